package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.security.Owned;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A materialised (or materialising) training set: the request as the user sent it (JSON), the
 * catalog version it is bound to (per feature group, the commit sequence it read as of), the exact
 * files it read, and its output object and hash once ready; with a purpose, how many spine rows had
 * no consent for it (left out, or kept without features); how long its output is kept. It belongs
 * to the API key that asked for it.
 */
public record TrainingSet(
    UUID id,
    String name,
    TrainingSetStatus status,
    String requestJson,
    Map<String, Long> catalogVersion,
    List<TrainingSetInput> inputs,
    Optional<String> outputObjectKey,
    Optional<String> outputHash,
    long rows,
    long rowsErased,
    long rowsWithoutConsent,
    Map<String, Long> timingsMillis,
    Optional<String> error,
    Optional<UUID> ownerKeyId,
    Instant createdAt,
    Optional<Instant> completedAt,
    OutputRetention retention)
    implements Owned {
  public TrainingSet {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(status, "status is null");
    requireNonNull(requestJson, "requestJson is null");
    catalogVersion = Map.copyOf(catalogVersion);
    inputs = List.copyOf(inputs);
    requireNonNull(outputObjectKey, "outputObjectKey is null");
    requireNonNull(outputHash, "outputHash is null");
    timingsMillis = Map.copyOf(timingsMillis);
    requireNonNull(error, "error is null");
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(completedAt, "completedAt is null");
    requireNonNull(retention, "retention is null");
  }

  /** What a list shows of it. */
  public TrainingSetSummary summary() {
    return new TrainingSetSummary(
        id, name, status, rows, outputHash, error, ownerKeyId, createdAt, completedAt);
  }
}
