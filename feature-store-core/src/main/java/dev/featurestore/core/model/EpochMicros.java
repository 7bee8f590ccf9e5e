package dev.featurestore.core.model;

import java.time.Duration;
import java.time.Instant;

/**
 * Times as the store keeps them: microseconds since 1970-01-01T00:00:00Z (Arrow's and Parquet's
 * {@code TIMESTAMP(MICROS, UTC)}), and durations in microseconds. Digits below the microsecond are
 * dropped, rounding towards the past, so an instant and its micros order alike.
 */
public final class EpochMicros {
  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long NANOS_PER_MICRO = 1_000L;

  private EpochMicros() {}

  /**
   * @throws ArithmeticException beyond about 292,000 years from 1970, which no long can hold
   */
  public static long of(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND),
        instant.getNano() / NANOS_PER_MICRO);
  }

  /**
   * @throws ArithmeticException beyond about 292,000 years, which no long can hold
   */
  public static long of(Duration duration) {
    return Math.addExact(
        Math.multiplyExact(duration.getSeconds(), MICROS_PER_SECOND),
        duration.getNano() / NANOS_PER_MICRO);
  }

  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, MICROS_PER_SECOND),
        Math.floorMod(micros, MICROS_PER_SECOND) * NANOS_PER_MICRO);
  }
}
