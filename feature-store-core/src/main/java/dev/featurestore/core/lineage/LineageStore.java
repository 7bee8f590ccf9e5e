package dev.featurestore.core.lineage;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Key-level lineage: which training sets used which keys of an entity, and how. Every replica
 * records into one store, and an answer sees what any replica recorded before it was asked.
 */
public interface LineageStore {
  /** Records the keys a training set used of one entity, per use, all or nothing. */
  void record(UUID trainingSet, String entity, Map<KeyUse, Set<String>> keysByUse);

  /**
   * The training sets that used {@code key} of {@code entity}, and how; an erased key is still
   * found (by its digest), so that an erasure reaches what used it before.
   */
  Map<UUID, Set<KeyUse>> trainingSetsUsing(String entity, String key);

  /**
   * Replaces the stored value of each of {@code keys} by its digest (an erasure ends); keys already
   * forgotten, or never used, are left as they are, so it can be repeated.
   */
  void forget(String entity, Collection<String> keys);
}
