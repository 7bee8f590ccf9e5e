package dev.featurestore.testing;

import java.util.Map;

/** One spine row: a key per entity name (a {@link String} or a {@link Long}) and the spine time. */
public record ReferenceSpineRow(Map<String, Object> keys, long spineTimeMicros) {
  public ReferenceSpineRow {
    keys = Map.copyOf(keys);
  }

  public Object key(String entityName) {
    return keys.get(entityName);
  }
}
