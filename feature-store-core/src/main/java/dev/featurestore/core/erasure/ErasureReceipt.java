package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What an erasure did: files and training-set outputs rewritten without the erased keys, rows
 * removed from them, the training sets whose outputs lost rows and the models trained on those,
 * which must be retrained, the objects it could not read, which may still hold the keys, and per
 * published table ({@link PublishedTables}) the snapshots it expired because they named a replaced
 * object. Counts grow while the erasure runs; {@code completedAt} is set at the end.
 */
public record ErasureReceipt(
    long filesRewritten,
    long rowsRemoved,
    List<UUID> trainingSetsAffected,
    List<ModelVersion> modelsToRetrain,
    List<UnreadableObject> unreadableObjects,
    Map<String, Long> snapshotsExpiredByTable,
    Optional<Instant> completedAt) {
  public ErasureReceipt {
    trainingSetsAffected = List.copyOf(trainingSetsAffected);
    modelsToRetrain = List.copyOf(modelsToRetrain);
    unreadableObjects = List.copyOf(unreadableObjects);
    // Sorted, so that a receipt reads the same each time.
    snapshotsExpiredByTable = Collections.unmodifiableMap(new TreeMap<>(snapshotsExpiredByTable));
    requireNonNull(completedAt, "completedAt is null");
  }

  /** The snapshots expired over every table. */
  public long snapshotsExpired() {
    return snapshotsExpiredByTable.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A model version, as the lineage endpoints name it. */
  public record ModelVersion(String name, String version) {}

  /**
   * An object whose bytes could not be read as what the catalog says it is (damaged after it was
   * stored), so the erasure could not rewrite it: it may still hold the keys. {@code id} is the
   * feature file's, the upload's or the training set's.
   */
  public record UnreadableObject(Holder heldBy, UUID id, String objectKey, String reason) {
    public UnreadableObject {
      requireNonNull(heldBy, "heldBy is null");
      requireNonNull(id, "id is null");
      requireNonNull(objectKey, "objectKey is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /** What an unreadable object is in the catalog. */
  public enum Holder {
    FEATURE_FILE,
    UPLOAD,
    TRAINING_SET_OUTPUT
  }
}
