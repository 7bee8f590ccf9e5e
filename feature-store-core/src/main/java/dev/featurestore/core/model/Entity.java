package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

/** A kind of key; its name is also the key column's name in uploads, spines and online requests. */
public record Entity(String name, KeyType keyType, String description) {
  public Entity {
    Names.requireValid("name", name);
    requireNonNull(keyType, "keyType is null");
    description = description == null ? "" : description;
  }
}
