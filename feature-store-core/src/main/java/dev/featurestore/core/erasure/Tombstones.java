package dev.featurestore.core.erasure;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tombstones of erased keys. An erasure lays one per key when it is requested ({@link
 * ErasureLedger#create}, in the same transaction), so that no commit can bring a key back while the
 * erasure runs; a compliance caller lifts one when the person comes back.
 */
public interface Tombstones {
  /** The digests of the entity's erased keys, loaded at once for a commit to check its rows. */
  Set<String> digestsOf(String entity);

  /** The digests of every entity's erased keys, by entity, for replicas that hold them all. */
  Map<String, Set<String>> digestsByEntity();

  Optional<Tombstone> find(String entity, String keyDigest);

  /** Removes the tombstone; empty when there was none. */
  Optional<Tombstone> lift(String entity, String keyDigest);

  /**
   * A number that changes whenever a tombstone is laid or lifted, so that a replica holding them in
   * memory (the online lookups) can tell cheaply whether to load them again.
   */
  long version();
}
