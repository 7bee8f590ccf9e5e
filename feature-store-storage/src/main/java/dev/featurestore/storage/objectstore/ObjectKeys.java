package dev.featurestore.storage.objectstore;

import java.nio.charset.StandardCharsets;

/**
 * The key rules every adapter enforces, so a key that works on local disk also works on S3 and the
 * other way round.
 *
 * <p>A key is a '/'-separated relative path: no leading or trailing '/', no empty segment, no
 * segment that starts with '.' ('.' and '..' would escape the folder; local disk keeps its
 * in-flight temporary files under such names), no '\' (a separator on Windows) and at most 1024
 * UTF-8 bytes (the S3 limit).
 */
final class ObjectKeys {
  private static final int MAX_KEY_BYTES = 1024;

  private ObjectKeys() {}

  static String requireValidKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("object key is null");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("object key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "object key is longer than " + MAX_KEY_BYTES + " UTF-8 bytes: " + key);
    }
    if (key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("object key contains '\\' or NUL: " + key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException(
            "object key has an empty segment (leading, trailing or double '/'): " + key);
      }
      if (segment.startsWith(".")) {
        throw new IllegalArgumentException("object key has a segment starting with '.': " + key);
      }
    }
    return key;
  }

  /**
   * A list prefix is any beginning of a valid key: the empty string, or a valid key, or a valid key
   * followed by '/'.
   */
  static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix is null");
    }
    if (!prefix.isEmpty()) {
      requireValidKey(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    }
    return prefix;
  }
}
