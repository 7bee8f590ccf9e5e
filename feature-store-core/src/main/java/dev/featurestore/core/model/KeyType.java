package dev.featurestore.core.model;

/** The type of an entity's key: a string or a 64-bit integer. */
public enum KeyType {
  STRING,
  INT64
}
