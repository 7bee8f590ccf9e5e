package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import java.util.Map;
import java.util.Set;

/**
 * The tombstones as the online lookups see them: every entity's erased-key digests, held in memory
 * and loaded again whenever their version in the catalog moved (checked at every poll of the online
 * indexes, and at once when this server lays or lifts one). A looked-up key with a tombstone is
 * answered as absent, whatever the index still holds: a key erased while its erasure has not yet
 * rewritten the files, or whose rows came back some other way, is never served.
 */
public final class OnlineTombstones {
  private final Tombstones tombstones;
  private final ThreadLocal<KeyDigests.Digester> digesters;
  private volatile Map<String, Set<String>> digestsByEntity = Map.of();
  private long loadedVersion = Long.MIN_VALUE;

  public OnlineTombstones(Tombstones tombstones, KeyDigests digests) {
    this.tombstones = requireNonNull(tombstones, "tombstones is null");
    requireNonNull(digests, "digests is null");
    this.digesters = ThreadLocal.withInitial(digests::digester);
  }

  /** Loads the tombstones again if they changed since the last load. */
  synchronized void refresh() {
    long version = tombstones.version();
    if (version != loadedVersion) {
      digestsByEntity = Map.copyOf(tombstones.digestsByEntity());
      loadedVersion = version;
    }
  }

  /** Whether the key (its canonical text) of the entity has a tombstone. */
  boolean isErased(String entity, String key) {
    Set<String> digests = digestsByEntity.get(entity);
    return digests != null && digests.contains(digesters.get().digest(entity, key));
  }
}
