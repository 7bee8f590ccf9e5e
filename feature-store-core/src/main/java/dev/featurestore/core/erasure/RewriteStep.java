package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * One object an erasure rewrote without the erased rows, as its ledger records it: first ahead of
 * the commit that points the object's catalog row at the rewrite (so that a run cut short at that
 * commit can tell afterwards whether it happened), then as done.
 *
 * @param heldBy what the object is in the catalog
 * @param id the feature file's, the upload's or the training set's id
 * @param featureGroup the group of a feature file; empty for the other holders
 * @param replacedObjectKey the object the rewrite replaces, to delete once the erasure ends
 * @param newObjectKey the rewrite; empty when no row was left of a feature file
 * @param rowsRemoved the erased rows the replaced object held
 */
public record RewriteStep(
    ErasureReceipt.Holder heldBy,
    UUID id,
    Optional<String> featureGroup,
    String replacedObjectKey,
    Optional<String> newObjectKey,
    long rowsRemoved) {
  public RewriteStep {
    requireNonNull(heldBy, "heldBy is null");
    requireNonNull(id, "id is null");
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(replacedObjectKey, "replacedObjectKey is null");
    requireNonNull(newObjectKey, "newObjectKey is null");
    if (featureGroup.isPresent() != (heldBy == ErasureReceipt.Holder.FEATURE_FILE)) {
      throw new IllegalArgumentException("a feature group names the group of a feature file only");
    }
  }
}
