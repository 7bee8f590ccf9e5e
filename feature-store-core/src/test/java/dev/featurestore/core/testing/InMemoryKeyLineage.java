package dev.featurestore.core.testing;

import dev.featurestore.core.lineage.KeyLineage;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Key lineage in memory: which training sets used which keys. A forgotten key is still found, as
 * {@code LineageIndex} finds it by its digest; {@link #forgotten} tells whether it was forgotten.
 */
public final class InMemoryKeyLineage implements KeyLineage {
  private final Map<String, Map<String, Set<UUID>>> usesByEntity = new HashMap<>();
  private final Set<String> forgotten = new HashSet<>();

  /** Records that {@code trainingSet} used {@code key} of {@code entity}. */
  public synchronized void record(UUID trainingSet, String entity, String key) {
    usesByEntity
        .computeIfAbsent(entity, name -> new HashMap<>())
        .computeIfAbsent(key, used -> new LinkedHashSet<>())
        .add(trainingSet);
  }

  @Override
  public synchronized Set<UUID> trainingSetsUsing(String entity, Collection<String> keys) {
    Set<UUID> used = new LinkedHashSet<>();
    Map<String, Set<UUID>> uses = usesByEntity.getOrDefault(entity, Map.of());
    for (String key : keys) {
      used.addAll(uses.getOrDefault(key, Set.of()));
    }
    return used;
  }

  @Override
  public synchronized void forget(String entity, Collection<String> keys) {
    for (String key : keys) {
      forgotten.add(entity + "\u0000" + key);
    }
  }

  /** Whether the key's value was forgotten. */
  public synchronized boolean forgotten(String entity, String key) {
    return forgotten.contains(entity + "\u0000" + key);
  }
}
