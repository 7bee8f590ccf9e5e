package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.jobs.ReplicaLease;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Jobs in the {@code jobs} table; a replica changes only the jobs it holds (see {@link Leases}).
 */
public final class JdbcJobs implements Jobs {
  private static final String COLUMNS =
      "id, kind, status, progress_done, progress_total, result, error, cancel_requested,"
          + " owner_key_id, created_at, finished_at";

  private final Transactions transactions;
  private final ReplicaLease lease;
  private final Leases leases;

  public JdbcJobs(DataSource dataSource, ReplicaLease lease) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
    this.lease = requireNonNull(lease, "lease is null");
    this.leases = new Leases("jobs", transactions, lease);
  }

  @Override
  public Job create(UUID id, String kind, String result, long total, UUID ownerKeyId) {
    transactions.update(
        "INSERT INTO jobs (id, kind, status, progress_total, result, owner_key_id, replica_id,"
            + " lease_expires_at) VALUES (?, ?, 'PENDING', ?, ?, ?, ?, "
            + Leases.FROM_NOW
            + ")",
        id,
        kind,
        total,
        result,
        ownerKeyId,
        lease.replicaId(),
        lease.length().toMillis());
    return find(id).orElseThrow();
  }

  @Override
  public boolean start(UUID id) {
    return leases.changeHeld(id, "status = 'RUNNING', started_at = now()", "status = 'PENDING'");
  }

  @Override
  public boolean progress(UUID id, long done, long total) {
    return leases.changeHeld(
        id, "progress_done = ?, progress_total = ?", "status = 'RUNNING'", done, total);
  }

  @Override
  public boolean succeed(UUID id) {
    return leases.changeHeld(
        id,
        "status = 'SUCCEEDED', progress_done = progress_total, finished_at = now()",
        "status = 'RUNNING'");
  }

  @Override
  public boolean fail(UUID id, String error) {
    return leases.changeHeld(
        id, "status = 'FAILED', error = ?, finished_at = now()", Leases.UNFINISHED, error);
  }

  @Override
  public boolean cancel(UUID id) {
    if (find(id).isEmpty()) {
      throw new NotFoundException("job " + id + " not found");
    }
    // One statement: a PENDING job never starts; a RUNNING one is only asked to stop.
    return transactions.update(
            "UPDATE jobs SET cancel_requested = true,"
                + " status = CASE status WHEN 'PENDING' THEN 'CANCELLED' ELSE status END,"
                + " finished_at = CASE status WHEN 'PENDING' THEN now() ELSE finished_at END"
                + " WHERE id = ? AND "
                + Leases.UNFINISHED,
            id)
        == 1;
  }

  @Override
  public boolean cancelRequested(UUID id) {
    return find(id).map(Job::cancelRequested).orElse(false);
  }

  @Override
  public void cancelled(UUID id) {
    leases.changeHeld(id, "status = 'CANCELLED', finished_at = now()", "status = 'RUNNING'");
  }

  @Override
  public Optional<Job> find(UUID id) {
    List<Job> found =
        transactions.list("SELECT " + COLUMNS + " FROM jobs WHERE id = ?", JdbcJobs::job, id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public int renewLeases() {
    return leases.renew();
  }

  @Override
  public List<Job> claimExpired(String kind) {
    // One statement: of two replicas claiming at once, the second waits for the first's row lock
    // and then finds the lease no longer expired.
    List<Job> claimed =
        transactions.list(
            "UPDATE jobs SET replica_id = ?, lease_expires_at = "
                + Leases.FROM_NOW
                + " WHERE kind = ? AND "
                + Leases.UNFINISHED
                + " AND "
                + Leases.EXPIRED
                + " RETURNING "
                + COLUMNS,
            JdbcJobs::job,
            lease.replicaId(),
            lease.length().toMillis(),
            kind,
            lease.replicaId());
    return claimed.stream().sorted(Comparator.comparing(Job::createdAt)).toList();
  }

  @Override
  public int failExpired(String reason, Set<String> takenOverKinds) {
    return transactions.inTransaction(
        connection ->
            Transactions.update(
                connection,
                "UPDATE jobs SET status = 'FAILED', error = ?, finished_at = now() WHERE "
                    + Leases.UNFINISHED
                    + " AND "
                    + Leases.EXPIRED
                    + " AND kind <> ALL (?)",
                reason,
                lease.replicaId(),
                connection.createArrayOf("text", takenOverKinds.toArray())));
  }

  private static Job job(ResultSet rows) throws SQLException {
    return new Job(
        rows.getObject(1, UUID.class),
        rows.getString(2),
        JobStatus.valueOf(rows.getString(3)),
        rows.getLong(4),
        rows.getLong(5),
        Optional.ofNullable(rows.getString(6)),
        Optional.ofNullable(rows.getString(7)),
        rows.getBoolean(8),
        Optional.ofNullable(rows.getObject(9, UUID.class)),
        rows.getTimestamp(10).toInstant(),
        Optional.ofNullable(rows.getTimestamp(11)).map(Timestamp::toInstant));
  }
}
