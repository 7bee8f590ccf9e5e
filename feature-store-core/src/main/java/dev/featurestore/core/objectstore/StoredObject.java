package dev.featurestore.core.objectstore;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One listed object. */
public record StoredObject(String key, long size, Instant lastModified) {
  public StoredObject {
    requireNonNull(key, "key is null");
    requireNonNull(lastModified, "lastModified is null");
  }
}
