package dev.featurestore.api.training;

import dev.featurestore.core.training.TrainingSet;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** How long training sets take to build and how many rows they have (docs/metrics.md). */
@Component
class TrainingSetBuildMetrics {
  static final String BUILDS = "feature_store.training_set.builds";
  static final String ROWS = "feature_store.training_set.rows";

  /** Where a build runs: in the request (inline spine) or as a job. */
  enum Mode {
    INLINE,
    JOB
  }

  /** A build, as the builder runs it. */
  @FunctionalInterface
  interface Build {
    TrainingSet run() throws IOException;
  }

  private final MeterRegistry registry;
  private final DistributionSummary rows;

  TrainingSetBuildMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rows =
        DistributionSummary.builder(ROWS)
            .description("Rows of each training set built")
            .baseUnit("rows")
            .register(registry);
  }

  TrainingSet timed(Mode mode, Build build) throws IOException {
    long started = System.nanoTime();
    String outcome = "failed";
    try {
      TrainingSet built = build.run();
      outcome = "built";
      rows.record(built.rows());
      return built;
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
