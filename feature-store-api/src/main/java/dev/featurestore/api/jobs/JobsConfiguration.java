package dev.featurestore.api.jobs;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.storage.catalog.JdbcJobs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class JobsConfiguration {
  /**
   * This process's identity among the replicas of one catalog: new at every start, so that work a
   * previous run of the same server left behind is taken over like any stopped replica's.
   */
  @Bean
  ReplicaLease replicaLease(FeatureStoreProperties properties) {
    return new ReplicaLease(UUID.randomUUID().toString(), properties.jobs().lease());
  }

  @Bean
  Jobs jobs(DataSource dataSource, ReplicaLease lease) {
    return new JdbcJobs(dataSource, lease);
  }

  @Bean
  MeterBinder queuedJobsGauge(JobRunner runner) {
    return registry ->
        Gauge.builder("feature_store.jobs.queued", runner, JobRunner::queuedJobs)
            .description("Jobs (training-set builds, erasures) waiting for a free job thread")
            .register(registry);
  }
}
