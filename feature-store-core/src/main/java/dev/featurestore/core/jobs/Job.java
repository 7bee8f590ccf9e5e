package dev.featurestore.core.jobs;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.security.Owned;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A long-running piece of work (a training set, an erasure) with its progress: {@code done} of
 * {@code total} steps, whose unit the kind defines. {@code result} is the URI of what it made.
 * {@code cancelRequested} says someone asked it to stop; it is CANCELLED once its work did. It
 * belongs to the API key that started it.
 */
public record Job(
    UUID id,
    String kind,
    JobStatus status,
    long done,
    long total,
    Optional<String> result,
    Optional<String> error,
    boolean cancelRequested,
    Optional<UUID> ownerKeyId,
    Instant createdAt,
    Optional<Instant> finishedAt)
    implements Owned {
  public Job {
    requireNonNull(id, "id is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(status, "status is null");
    requireNonNull(result, "result is null");
    requireNonNull(error, "error is null");
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
  }
}
