package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.online.OnlineStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What online lookups cost and found, on both listeners (docs/metrics.md). Meters are looked up
 * once and kept: a lookup on the lean listener takes microseconds, and a registry look-up builds an
 * id and hashes its tags.
 */
public final class OnlineLookupMetrics {
  static final String LOOKUPS = "feature_store.online.lookups";
  static final String VALUES = "feature_store.online.values";

  /** The listener a lookup came through. */
  enum Port {
    /** The servlet server, {@code server.port}. */
    MAIN,
    /** The lean listener, {@code feature-store.online-port}. */
    ONLINE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final OnlineStatus[] STATUSES = OnlineStatus.values();

  private final MeterRegistry registry;
  private final Map<String, Timer> lookups = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> valuesByGroup = new ConcurrentHashMap<>();

  public OnlineLookupMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** A lookup answered with HTTP {@code status} after {@code nanos}, refusals included. */
  void lookedUp(Port port, int status, long nanos) {
    lookups
        .computeIfAbsent(
            port.tag() + status,
            ignored ->
                Timer.builder(LOOKUPS)
                    .description("Online lookups by listener and HTTP status, with their latency")
                    .tags("port", port.tag(), "status", Integer.toString(status))
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(1))
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts the statuses of one feature's values answered from {@code group}; {@code counts} is
   * indexed by {@link OnlineStatus#ordinal()}.
   */
  void answered(String group, int[] counts) {
    Counter[] counters = valuesByGroup.computeIfAbsent(group, this::valueCounters);
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        counters[i].increment(counts[i]);
      }
    }
  }

  private Counter[] valueCounters(String group) {
    Counter[] counters = new Counter[STATUSES.length];
    for (OnlineStatus status : STATUSES) {
      counters[status.ordinal()] =
          Counter.builder(VALUES)
              .description("Values answered by online lookups, by feature group and status")
              .tags("group", group, "status", status.name())
              .register(registry);
    }
    return counters;
  }
}
