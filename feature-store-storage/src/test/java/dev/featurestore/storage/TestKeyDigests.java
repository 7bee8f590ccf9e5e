package dev.featurestore.storage;

import dev.featurestore.core.erasure.KeyDigests;

/** The key digests of the storage tests, with a fixed secret, as a server's setting would give. */
public final class TestKeyDigests {
  public static final KeyDigests DIGESTS =
      KeyDigests.ofSecret("the key digest secret of the storage tests");

  private TestKeyDigests() {}
}
