package dev.featurestore.core.security;

/** Where feature values are read: a grant covers one or both. */
public enum ReadScope {
  /** Training sets: building, downloading, and previews of stored rows. */
  OFFLINE,
  /** Online lookups, on either port. */
  ONLINE
}
