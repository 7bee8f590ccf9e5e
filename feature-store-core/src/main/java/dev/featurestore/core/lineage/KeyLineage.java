package dev.featurestore.core.lineage;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * Key-level lineage as erasure needs it: which training sets used a key, and forgetting a key's
 * value once it is erased (its digest stays, so lineage of the key still answers).
 */
public interface KeyLineage {
  /**
   * The training sets that used any of {@code keys} of {@code entity}, recorded through any
   * replica; an erased key is found by its digest.
   */
  Set<UUID> trainingSetsUsing(String entity, Collection<String> keys);

  /**
   * Replaces the stored value of each of {@code keys} by its digest; keys already forgotten, or
   * never used, are left as they are, so it can be repeated.
   */
  void forget(String entity, Collection<String> keys);
}
