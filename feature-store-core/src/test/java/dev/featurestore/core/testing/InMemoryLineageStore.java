package dev.featurestore.core.testing;

import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageStore;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** A {@link LineageStore} in memory: per entity and key, the training sets and their uses. */
public final class InMemoryLineageStore implements LineageStore {
  private final Map<String, Map<String, Map<UUID, Set<KeyUse>>>> usesByEntity = new HashMap<>();
  private final Set<String> forgotten = new HashSet<>();

  @Override
  public synchronized void record(
      UUID trainingSet, String entity, Map<KeyUse, Set<String>> keysByUse) {
    Map<String, Map<UUID, Set<KeyUse>>> byKey =
        usesByEntity.computeIfAbsent(entity, e -> new HashMap<>());
    keysByUse.forEach(
        (use, keys) -> {
          for (String key : keys) {
            byKey
                .computeIfAbsent(key, k -> new LinkedHashMap<>())
                .computeIfAbsent(trainingSet, id -> EnumSet.noneOf(KeyUse.class))
                .add(use);
          }
        });
  }

  @Override
  public synchronized Map<UUID, Set<KeyUse>> trainingSetsUsing(String entity, String key) {
    Map<UUID, Set<KeyUse>> uses = new LinkedHashMap<>();
    usesByEntity
        .getOrDefault(entity, Map.of())
        .getOrDefault(key, Map.of())
        .forEach((id, used) -> uses.put(id, EnumSet.copyOf(used)));
    return uses;
  }

  /** Remembers the keys as forgotten; they are still found, as by their digest. */
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

  /** Every entity's keys a training set used, per entity and use: what it recorded. */
  public synchronized Map<String, Map<KeyUse, Set<String>>> keysOf(UUID trainingSet) {
    Map<String, Map<KeyUse, Set<String>>> keys = new HashMap<>();
    usesByEntity.forEach(
        (entity, byKey) ->
            byKey.forEach(
                (key, uses) ->
                    uses.getOrDefault(trainingSet, Set.of())
                        .forEach(
                            use ->
                                keys.computeIfAbsent(entity, e -> new HashMap<>())
                                    .computeIfAbsent(use, u -> new java.util.TreeSet<>())
                                    .add(key))));
    return keys;
  }
}
