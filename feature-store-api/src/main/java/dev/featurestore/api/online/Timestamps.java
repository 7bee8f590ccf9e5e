package dev.featurestore.api.online;

import dev.featurestore.core.model.Microseconds;

/** Microsecond times as the API writes them: ISO-8601 UTC instants. */
final class Timestamps {
  /** Feast's event timestamp for entity columns and keys not found. */
  static final String EPOCH = "1970-01-01T00:00:00Z";

  private Timestamps() {}

  static String format(long micros) {
    return Microseconds.toInstant(micros).toString();
  }
}
