package dev.featurestore.core.model;

import dev.featurestore.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * Times as the store keeps them: microseconds since 1970-01-01T00:00:00Z (Arrow's and Parquet's
 * {@code TIMESTAMP(MICROS, UTC)}), and durations in microseconds. Digits below the microsecond are
 * dropped, rounding towards the past, so an instant and its micros order alike. The one rule for
 * input times: an instant from {@link #EARLIEST} to {@link #LATEST}, a duration a {@code long} of
 * microseconds holds; anything else is refused naming the field (converting it would overflow, or
 * the catalog would refuse it).
 */
public final class EpochMicros {
  /**
   * The start of year 1: the catalog (Postgres) holds no time before 4713 BC, and {@code
   * java.sql.Timestamp} shifts times before the Gregorian calendar; a long of microseconds reaches
   * back to 290,308 BC.
   */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest instant a {@code long} of microseconds holds. */
  public static final Instant LATEST = toInstant(Long.MAX_VALUE);

  private static final long PER_SECOND = 1_000_000L;

  private EpochMicros() {}

  /**
   * The instant of a time the store already holds (not input: see {@link #of(String, Instant)}).
   *
   * @throws ArithmeticException beyond about 292,000 years from 1970, which no long can hold
   */
  public static long of(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), PER_SECOND), instant.getNano() / 1_000);
  }

  /**
   * A duration the store already holds (not input: see {@link #of(String, Duration)}).
   *
   * @throws ArithmeticException beyond about 292,000 years, which no long can hold
   */
  public static long of(Duration duration) {
    return Math.addExact(
        Math.multiplyExact(duration.getSeconds(), PER_SECOND), duration.getNano() / 1_000);
  }

  /**
   * The instant (sub-microsecond digits dropped); refused naming {@code field} when out of range.
   */
  public static long of(String field, Instant instant) {
    return of(instant, message -> new InvalidInputException(field, message));
  }

  /**
   * As {@link #of(String, Instant)}, with the exception made by {@code refusal} from the reason,
   * for callers whose field name costs something to build (a row's column).
   */
  public static long of(Instant instant, Function<String, ? extends RuntimeException> refusal) {
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      throw refusal.apply(outOfRange(instant));
    }
    return of(instant);
  }

  /**
   * The instant an ISO-8601 text with a zone spells (e.g. 2026-03-01T12:00:00Z); refused naming
   * {@code field} when it spells none or one out of range.
   */
  public static long parse(String field, String text) {
    try {
      return of(field, OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          field,
          "'" + text + "' is not an ISO-8601 instant with a zone (e.g. 2026-03-01T12:00:00Z)");
    }
  }

  /** Returns {@code instant} when it is in range, else refuses it naming {@code field}. */
  public static Instant requireInRange(String field, Instant instant) {
    of(field, instant);
    return instant;
  }

  /** The duration (sub-microsecond digits dropped); refused naming {@code field} when too long. */
  public static long of(String field, Duration duration) {
    try {
      return of(duration);
    } catch (ArithmeticException e) {
      throw new InvalidInputException(
          field, "'" + duration + "' is longer than can be stored (about 292,000 years)");
    }
  }

  /**
   * {@code count} units of {@code microsPerUnit} microseconds each (a time in seconds or
   * milliseconds since the epoch); refused by {@code refusal} when no long holds it.
   */
  public static long ofUnits(
      long count, long microsPerUnit, Function<String, ? extends RuntimeException> refusal) {
    try {
      return Math.multiplyExact(count, microsPerUnit);
    } catch (ArithmeticException e) {
      throw refusal.apply(
          count
              + " units of "
              + microsPerUnit
              + " microseconds since 1970 is outside the times"
              + " that can be stored, "
              + EARLIEST
              + " to "
              + LATEST);
    }
  }

  /** The instant of microseconds since the epoch; every {@code long} has one. */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, PER_SECOND), Math.floorMod(micros, PER_SECOND) * 1_000L);
  }

  private static String outOfRange(Instant instant) {
    return "'"
        + instant
        + "' is outside the times that can be stored, "
        + EARLIEST
        + " to "
        + LATEST;
  }
}
