package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * How long a feature group keeps rows after their event time: an ISO-8601 duration whose date part
 * counts calendar years, months, weeks and days back from now in UTC ({@code P2Y}, {@code P18M},
 * {@code P30D}, {@code P1DT12H}), so that "two years" is two calendar years, not 730 days. {@link
 * #FOREVER} keeps rows for ever.
 */
public record MaxAge(Period period, Duration duration) {
  public static final MaxAge FOREVER = new MaxAge(Period.ZERO, Duration.ZERO);

  /** Beyond this a cutoff reaches before the first instant a row may have; refused as a typo. */
  private static final long MAX_DAYS = 10_000L * 366;

  public MaxAge {
    requireNonNull(period, "period is null");
    requireNonNull(duration, "duration is null");
    period = period.normalized();
  }

  /**
   * Parses an ISO-8601 duration, zero ({@code PT0S}, {@code P0D}) meaning for ever; refused with
   * {@code field} when it does not parse, is negative or reaches back more than 10,000 years.
   */
  public static MaxAge parse(String field, String text) {
    requireNonNull(text, "text is null");
    if (text.equals("P")) {
      throw notADuration(field, text);
    }
    MaxAge parsed;
    try {
      int time = text.indexOf('T');
      String datePart = time < 0 ? text : text.substring(0, time);
      Period period = datePart.equals("P") ? Period.ZERO : Period.parse(datePart);
      Duration duration = time < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(time));
      parsed = new MaxAge(period, duration);
    } catch (DateTimeException e) {
      throw notADuration(field, text);
    }
    if (parsed.period.getYears() < 0
        || parsed.period.getMonths() < 0
        || parsed.period.getDays() < 0
        || parsed.duration.isNegative()) {
      throw new InvalidInputException(field, "must not be negative");
    }
    long days;
    try {
      days =
          Math.addExact(
              Math.addExact(
                  Math.multiplyExact(parsed.period.toTotalMonths(), 31L), parsed.period.getDays()),
              parsed.duration.toDays());
    } catch (ArithmeticException e) {
      days = Long.MAX_VALUE;
    }
    if (days > MAX_DAYS) {
      throw new InvalidInputException(field, "must be at most 10000 years");
    }
    return parsed;
  }

  private static InvalidInputException notADuration(String field, String text) {
    return new InvalidInputException(
        field, "'" + text + "' is not an ISO-8601 duration such as P2Y, P90D or PT12H");
  }

  /** Whether rows are kept for ever. */
  public boolean isForever() {
    return period.isZero() && duration.isZero();
  }

  /**
   * The event time before which rows are older than this age at {@code now}; empty when rows are
   * kept for ever or the age reaches back before the first instant a row may have.
   */
  public Optional<Instant> retainedFrom(Instant now) {
    if (isForever()) {
      return Optional.empty();
    }
    Instant from = now.atOffset(ZoneOffset.UTC).minus(period).toInstant().minus(duration);
    return from.isAfter(EpochMicros.EARLIEST) ? Optional.of(from) : Optional.empty();
  }

  /** The ISO-8601 spelling, {@code P2Y}, {@code PT12H}, {@code P1DT12H}. */
  @Override
  public String toString() {
    if (duration.isZero()) {
      return period.toString();
    }
    if (period.isZero()) {
      return duration.toString();
    }
    return period + duration.toString().substring(1);
  }
}
