package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.online.LatestValueIndex;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and bytes of each serving online index, as gauges tagged by group: registered when an
 * index starts to serve, removed when it stops, so that a dropped group leaves no stale series.
 */
public final class OnlineIndexGauges {
  static final String KEYS = "feature_store.online.index.keys";
  static final String BYTES = "feature_store.online.index.bytes";

  private final MeterRegistry registry;
  private final Map<String, List<Meter>> byGroup = new ConcurrentHashMap<>();

  public OnlineIndexGauges(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  void serving(String group, LatestValueIndex index) {
    stopped(group);
    byGroup.put(
        group,
        List.of(
            Gauge.builder(KEYS, index, served -> served.stats().keys())
                .description("Keys held by the group's online index")
                .tag("group", group)
                .strongReference(true)
                .register(registry),
            Gauge.builder(BYTES, index, served -> served.stats().reservedBytes())
                .description("Memory reserved by the group's online index")
                .baseUnit("bytes")
                .tag("group", group)
                .strongReference(true)
                .register(registry)));
  }

  void stopped(String group) {
    List<Meter> meters = byGroup.remove(group);
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }
}
