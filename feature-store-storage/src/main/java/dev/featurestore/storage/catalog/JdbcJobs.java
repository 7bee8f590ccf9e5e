package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/** Jobs in the {@code jobs} table. */
public final class JdbcJobs implements Jobs {
  private final Transactions transactions;

  public JdbcJobs(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Job create(UUID id, String kind, String result, long total, UUID ownerKeyId) {
    transactions.inTransaction(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO jobs (id, kind, status, progress_total, result, owner_key_id)"
                      + " VALUES (?, ?, 'PENDING', ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, kind);
            insert.setLong(3, total);
            insert.setString(4, result);
            insert.setObject(5, ownerKeyId);
            return insert.executeUpdate();
          }
        });
    return find(id).orElseThrow();
  }

  @Override
  public boolean start(UUID id) {
    return transactions.update(
            "UPDATE jobs SET status = 'RUNNING', started_at = now()"
                + " WHERE id = ? AND status = 'PENDING'",
            id)
        == 1;
  }

  @Override
  public void progress(UUID id, long done, long total) {
    transactions.update(
        "UPDATE jobs SET progress_done = ?, progress_total = ? WHERE id = ? AND status = 'RUNNING'",
        done,
        total,
        id);
  }

  @Override
  public void succeed(UUID id) {
    transactions.update(
        "UPDATE jobs SET status = 'SUCCEEDED', progress_done = progress_total, finished_at = now()"
            + " WHERE id = ? AND status = 'RUNNING'",
        id);
  }

  @Override
  public void fail(UUID id, String error) {
    transactions.update(
        "UPDATE jobs SET status = 'FAILED', error = ?, finished_at = now()"
            + " WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
        error,
        id);
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
                + " WHERE id = ? AND status IN ('PENDING', 'RUNNING')",
            id)
        == 1;
  }

  @Override
  public boolean cancelRequested(UUID id) {
    return find(id).map(Job::cancelRequested).orElse(false);
  }

  @Override
  public void cancelled(UUID id) {
    transactions.update(
        "UPDATE jobs SET status = 'CANCELLED', finished_at = now()"
            + " WHERE id = ? AND status = 'RUNNING'",
        id);
  }

  @Override
  public Optional<Job> find(UUID id) {
    List<Job> found = select("id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public List<Job> unfinished(String kind) {
    return select("kind = ? AND status IN ('PENDING', 'RUNNING') ORDER BY created_at", kind);
  }

  private List<Job> select(String condition, Object... parameters) {
    return transactions.list(
        "SELECT id, kind, status, progress_done, progress_total, result, error,"
            + " cancel_requested, owner_key_id, created_at, finished_at FROM jobs WHERE "
            + condition,
        rows ->
            new Job(
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
                Optional.ofNullable(rows.getTimestamp(11)).map(Timestamp::toInstant)),
        parameters);
  }

  @Override
  public int failUnfinished(String reason, Set<String> resumedKinds) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE jobs SET status = 'FAILED', error = ?, finished_at = now()"
                      + " WHERE status IN ('PENDING', 'RUNNING') AND kind <> ALL (?)")) {
            update.setString(1, reason);
            update.setArray(2, connection.createArrayOf("text", resumedKinds.toArray()));
            return update.executeUpdate();
          }
        });
  }
}
