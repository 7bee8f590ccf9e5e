package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Tells a commit's rows whose key was erased: the entity's tombstones, loaded once into a set of
 * digests, against which each distinct key of the commit costs one digest and one set look-up (no
 * query per row). Not thread-safe: one per commit, used by one thread at a time.
 */
public final class ErasedKeyScreen {
  private final String entity;
  private final Set<String> erasedDigests;
  private final KeyDigests.Digester digester;

  public ErasedKeyScreen(String entity, Set<String> erasedDigests, KeyDigests keyDigests) {
    this.entity = requireNonNull(entity, "entity is null");
    this.erasedDigests = Set.copyOf(erasedDigests);
    this.digester = keyDigests.digester();
  }

  /** The screen of {@code entity}'s tombstones as they are now. */
  public static ErasedKeyScreen of(String entity, Tombstones tombstones, KeyDigests keyDigests) {
    return new ErasedKeyScreen(entity, tombstones.digestsOf(entity), keyDigests);
  }

  /** Whether no key of the entity is erased, so that rows need no look at all. */
  public boolean isEmpty() {
    return erasedDigests.isEmpty();
  }

  /** Whether the key, given as the UTF-8 bytes of its canonical text, was erased. */
  public boolean isErased(byte[] keyUtf8) {
    return !erasedDigests.isEmpty() && erasedDigests.contains(digester.digest(entity, keyUtf8));
  }
}
