package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one way the catalog names an entity key without keeping it: a keyed digest, HMAC-SHA256 with
 * the server's secret over the SHA-256 of the entity's name, a zero byte and the key's canonical
 * text. Tombstones, audit entries, erasure records and the lineage index's erased keys hold it; a
 * caller who names a key is matched by digesting the key again.
 *
 * <p>Keyed, because the keys are mostly guessable (user ids, account numbers): a plain hash of one
 * is found by hashing every candidate, a keyed one only by whoever also holds the secret, which the
 * catalog does not. The inner SHA-256 is what the catalog kept before digests were keyed, so that
 * those digests can be keyed too ({@link #ofUnkeyedDigest}) without the keys they came from.
 *
 * <p>Instances are immutable and thread-safe; {@link #digester()} gives a reusable, single-thread
 * one for loops over many keys.
 */
public final class KeyDigests {
  /** Fewer bytes of secret than the digest's own length would weaken it. */
  public static final int MINIMUM_SECRET_BYTES = 32;

  private static final String HMAC = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec secret;

  public KeyDigests(byte[] secret) {
    requireNonNull(secret, "secret is null");
    if (secret.length < MINIMUM_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the key digest secret must have at least " + MINIMUM_SECRET_BYTES + " bytes");
    }
    this.secret = new SecretKeySpec(secret.clone(), HMAC);
  }

  /** The secret as text (its UTF-8 bytes), as a setting gives it. */
  public static KeyDigests ofSecret(String secret) {
    return new KeyDigests(
        requireNonNull(secret, "secret is null").getBytes(StandardCharsets.UTF_8));
  }

  /** The digest of {@code key} (its canonical text) of {@code entity}, in lower-case hex. */
  public String digest(String entity, String key) {
    return digester().digest(entity, key);
  }

  /**
   * The keyed digest of a key known only by its unkeyed digest (lower-case hex SHA-256 of entity,
   * zero byte, key), as the catalog stored erased keys before: the same digest {@link #digest}
   * gives for the key itself.
   */
  public String ofUnkeyedDigest(String unkeyedDigest) {
    return digester().keyed(HEX.parseHex(unkeyedDigest));
  }

  /** A digester for one thread, reusing its hash state from key to key. */
  public Digester digester() {
    return new Digester();
  }

  /** Digests keys one after another on one thread; not thread-safe. */
  public final class Digester {
    private final MessageDigest sha256;
    private final Mac mac;

    private Digester() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
        mac = Mac.getInstance(HMAC);
        mac.init(secret);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("every JDK provides SHA-256 and HmacSHA256", e);
      }
    }

    public String digest(String entity, String key) {
      return digest(entity, key.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #digest(String, String)} for a key given as the UTF-8 bytes of its text. */
    public String digest(String entity, byte[] keyUtf8) {
      sha256.update(entity.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      return keyed(sha256.digest(keyUtf8));
    }

    private String keyed(byte[] unkeyed) {
      return HEX.formatHex(mac.doFinal(unkeyed));
    }
  }
}
