package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What an erasure did: files and training-set outputs rewritten without the erased keys, rows
 * removed from them, the training sets whose outputs lost rows and the models trained on those,
 * which must be retrained. Counts grow while the erasure runs; {@code completedAt} is set at the
 * end.
 */
public record ErasureReceipt(
    long filesRewritten,
    long rowsRemoved,
    List<UUID> trainingSetsAffected,
    List<ModelVersion> modelsToRetrain,
    Optional<Instant> completedAt) {
  public ErasureReceipt {
    trainingSetsAffected = List.copyOf(trainingSetsAffected);
    modelsToRetrain = List.copyOf(modelsToRetrain);
    requireNonNull(completedAt, "completedAt is null");
  }

  /** A model version, as the lineage endpoints name it. */
  public record ModelVersion(String name, String version) {}
}
