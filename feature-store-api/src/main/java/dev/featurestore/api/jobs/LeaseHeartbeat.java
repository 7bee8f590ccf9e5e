package dev.featurestore.api.jobs;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.core.jobs.ReplicaLease;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Every {@code feature-store.jobs.heartbeat-interval}, from the start: renews this replica's
 * leases, then takes over or fails the work of replicas whose lease expired. Checking periodically,
 * not only at start, lets a live replica pick up the work of one that died.
 */
@Component
class LeaseHeartbeat implements ApplicationRunner, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseHeartbeat.class);

  private final List<LeasedWork> leasedWork;
  private final Duration interval;
  private final ReplicaLease lease;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("lease-heartbeat").daemon(true).factory());

  LeaseHeartbeat(
      List<LeasedWork> leasedWork, FeatureStoreProperties properties, ReplicaLease lease) {
    this.leasedWork = List.copyOf(leasedWork);
    this.interval = properties.jobs().heartbeatInterval();
    this.lease = lease;
  }

  @Override
  public void run(ApplicationArguments arguments) {
    log.info("Replica {} holds its work under leases of {}", lease.replicaId(), lease.length());
    scheduler.scheduleWithFixedDelay(this::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One round. Renewals come first: a replica whose heartbeat was late must keep what it runs. A
   * failure is logged and the next round tries again: a scheduled task that throws, an Error
   * included, is never run again, and a replica that stopped renewing would lose all its work.
   */
  private void beat() {
    try {
      leasedWork.forEach(LeasedWork::renewLeases);
      leasedWork.forEach(LeasedWork::takeOverExpired);
    } catch (Throwable e) {
      log.error("Lease heartbeat failed; trying again in {}", interval, e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
