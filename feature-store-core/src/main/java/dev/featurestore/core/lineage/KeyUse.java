package dev.featurestore.core.lineage;

/**
 * How a training set used a key: as a spine row, or as the key of a joined feature row (a join
 * winner). A key may be used both ways.
 */
public enum KeyUse {
  SPINE,
  FEATURES
}
