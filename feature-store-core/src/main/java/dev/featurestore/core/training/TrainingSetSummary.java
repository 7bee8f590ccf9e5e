package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.security.Owned;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A training set as a list shows it: what it is and how it ended, without its request, inputs or
 * timings, so a page of them is read without parsing every stored request.
 */
public record TrainingSetSummary(
    UUID id,
    String name,
    TrainingSetStatus status,
    long rows,
    Optional<String> outputHash,
    Optional<String> error,
    Optional<UUID> ownerKeyId,
    Instant createdAt,
    Optional<Instant> completedAt)
    implements Owned {
  public TrainingSetSummary {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(status, "status is null");
    requireNonNull(outputHash, "outputHash is null");
    requireNonNull(error, "error is null");
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(completedAt, "completedAt is null");
  }

  /** The newest-first position of this set, where the next page starts after it. */
  public TrainingSetListQuery.Position position() {
    return new TrainingSetListQuery.Position(createdAt, id);
  }
}
