package dev.featurestore.storage.catalog;

import dev.featurestore.core.jobs.ReplicaLease;
import java.time.Duration;

/** Leases for tests that run jobs and training sets as the catalog's one replica. */
public final class TestingLeases {
  /** A long lease: nothing in a test expires it. */
  public static final ReplicaLease ONE_REPLICA = new ReplicaLease("test", Duration.ofHours(1));

  private TestingLeases() {}
}
