package dev.featurestore.api.ingest;

import dev.featurestore.core.ingest.RowFormat;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Commits through the API by feature group and upload format (docs/metrics.md). Only groups that
 * exist are tagged: a name from the path of a refused request would let callers add series.
 */
@Component
class CommitMetrics {
  static final String COMMITS = "feature_store.commits";
  static final String ROWS = "feature_store.commit.rows";
  static final String BYTES = "feature_store.commit.bytes";

  private final MeterRegistry registry;

  CommitMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void committed(String group, RowFormat format, long rows, long bytes, long nanos) {
    timer(group, format, "committed").record(nanos, TimeUnit.NANOSECONDS);
    counter(ROWS, "Rows committed", group, format).increment(rows);
    counter(BYTES, "Bytes of committed uploads, as sent", group, format).increment(bytes);
  }

  void failed(String group, RowFormat format, long nanos) {
    timer(group, format, "failed").record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String group, RowFormat format, String outcome) {
    return Timer.builder(COMMITS)
        .description("Commits by group, format and outcome, with the time to write them")
        .tags("group", group, "format", format.name(), "outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }

  private Counter counter(String name, String description, String group, RowFormat format) {
    return Counter.builder(name)
        .description(description)
        .tags("group", group, "format", format.name())
        .register(registry);
  }
}
