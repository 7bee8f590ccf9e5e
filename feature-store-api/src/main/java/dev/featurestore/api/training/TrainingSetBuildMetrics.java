package dev.featurestore.api.training;

import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * How long training sets take to build, how many rows they have and how many bytes their joins
 * spill to disk (docs/metrics.md).
 */
@Component
class TrainingSetBuildMetrics {
  static final String BUILDS = "feature_store.training_set.builds";
  static final String ROWS = "feature_store.training_set.rows";
  static final String SPILLED_BYTES = "feature_store.training_set.spilled_bytes";

  /** Where a build runs: in the request (inline spine) or as a job. */
  enum Mode {
    INLINE,
    JOB
  }

  /** A build, as the builder runs it. */
  @FunctionalInterface
  interface Build {
    TrainingSetBuilder.Built run() throws IOException;
  }

  private final MeterRegistry registry;
  private final DistributionSummary rows;
  private final DistributionSummary spilledBytes;

  TrainingSetBuildMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rows =
        DistributionSummary.builder(ROWS)
            .description("Rows of each training set built")
            .baseUnit("rows")
            .register(registry);
    this.spilledBytes =
        DistributionSummary.builder(SPILLED_BYTES)
            .description("Bytes each training set's join spilled to disk; 0 when it fit in memory")
            .baseUnit("bytes")
            .register(registry);
  }

  TrainingSet timed(Mode mode, Build build) throws IOException {
    long started = System.nanoTime();
    String outcome = "failed";
    try {
      TrainingSetBuilder.Built built = build.run();
      outcome = "built";
      rows.record(built.trainingSet().rows());
      spilledBytes.record(built.spilledBytes());
      return built.trainingSet();
    } finally {
      Timer.builder(BUILDS)
          .description("Training-set builds by mode and outcome, with their duration")
          .tags("mode", mode.name().toLowerCase(Locale.ROOT), "outcome", outcome)
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(10))
          .maximumExpectedValue(Duration.ofHours(2))
          .register(registry)
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }
}
