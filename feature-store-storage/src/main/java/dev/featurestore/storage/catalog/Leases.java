package dev.featurestore.storage.catalog;

import dev.featurestore.core.jobs.ReplicaLease;
import java.util.Arrays;
import java.util.UUID;

/**
 * The replica lease of one table's rows ({@code replica_id}, {@code lease_expires_at}; jobs and
 * training sets). Every change a replica makes to a row it holds names the replica and the status
 * it moves from, so that a replica that lost the row to another cannot finish it, and a finished
 * row never changes again.
 */
record Leases(String table, Transactions transactions, ReplicaLease lease) {
  static final String UNFINISHED = "status IN ('PENDING', 'RUNNING')";

  /**
   * Held by another replica that did not renew the lease in time (a row from before leases existed
   * has none). A replica's own rows are not its to take over: it renews them while it works on
   * them. Takes the replica id as its one parameter.
   */
  static final String EXPIRED =
      "(lease_expires_at IS NULL OR lease_expires_at < now()) AND replica_id IS DISTINCT FROM ?";

  /** Takes the lease length in milliseconds as its one parameter. */
  static final String FROM_NOW = "now() + ? * interval '1 millisecond'";

  /**
   * Sets {@code assignments} (whose parameters are {@code values}) on row {@code id} if this
   * replica holds it and its status matches {@code statusCondition}; true if it did.
   */
  boolean changeHeld(UUID id, String assignments, String statusCondition, Object... values) {
    Object[] parameters = Arrays.copyOf(values, values.length + 2);
    parameters[values.length] = id;
    parameters[values.length + 1] = lease.replicaId();
    return transactions.update(
            "UPDATE "
                + table
                + " SET "
                + assignments
                + " WHERE id = ? AND "
                + statusCondition
                + " AND replica_id = ?",
            parameters)
        == 1;
  }

  /** Extends the lease of every unfinished row this replica holds; returns how many. */
  int renew() {
    return transactions.update(
        "UPDATE "
            + table
            + " SET lease_expires_at = "
            + FROM_NOW
            + " WHERE replica_id = ? AND "
            + UNFINISHED,
        lease.length().toMillis(),
        lease.replicaId());
  }
}
