package dev.featurestore.core.testing;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstone;
import dev.featurestore.core.erasure.Tombstones;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Tombstones in memory; {@link #lay} stands for an erasure being requested. */
public final class InMemoryTombstones implements Tombstones {
  /** The digests of the core's tests, with a fixed secret. */
  public static final KeyDigests DIGESTS =
      KeyDigests.ofSecret("the key digest secret of the core's tests");

  private final Map<String, Map<String, Tombstone>> byEntity = new HashMap<>();
  private long version;

  /** Lays a tombstone for {@code key} of {@code entity}, as an erasure of it would. */
  public synchronized Tombstone lay(String entity, String key) {
    Tombstone tombstone =
        new Tombstone(entity, DIGESTS.digest(entity, key), UUID.randomUUID(), Instant.now());
    byEntity.computeIfAbsent(entity, name -> new HashMap<>()).put(tombstone.keyDigest(), tombstone);
    version++;
    return tombstone;
  }

  @Override
  public synchronized Set<String> digestsOf(String entity) {
    return new HashSet<>(byEntity.getOrDefault(entity, Map.of()).keySet());
  }

  @Override
  public synchronized Map<String, Set<String>> digestsByEntity() {
    Map<String, Set<String>> digests = new HashMap<>();
    byEntity.forEach((entity, tombstones) -> digests.put(entity, Set.copyOf(tombstones.keySet())));
    return digests;
  }

  @Override
  public synchronized Optional<Tombstone> find(String entity, String keyDigest) {
    return Optional.ofNullable(byEntity.getOrDefault(entity, Map.of()).get(keyDigest));
  }

  @Override
  public synchronized Optional<Tombstone> lift(String entity, String keyDigest) {
    Optional<Tombstone> lifted =
        Optional.ofNullable(byEntity.getOrDefault(entity, new HashMap<>()).remove(keyDigest));
    lifted.ifPresent(tombstone -> version++);
    return lifted;
  }

  @Override
  public synchronized long version() {
    return version;
  }
}
