package dev.featurestore.core.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyDigestsTest {
  private static final KeyDigests DIGESTS =
      KeyDigests.ofSecret("a secret of at least thirty-two bytes");

  @Test
  void theSameKeyOfTheSameEntityGivesTheSameDigest() {
    assertThat(DIGESTS.digest("user_id", "u1"))
        .isEqualTo(DIGESTS.digest("user_id", "u1"))
        .isEqualTo(DIGESTS.digester().digest("user_id", "u1".getBytes(StandardCharsets.UTF_8)))
        .hasSize(64)
        .doesNotContain("u1");
  }

  @Test
  void theDigestDependsOnTheSecretTheEntityAndTheKey() {
    String digest = DIGESTS.digest("user_id", "u1");

    assertThat(KeyDigests.ofSecret("another secret of at least 32 bytes").digest("user_id", "u1"))
        .isNotEqualTo(digest);
    assertThat(DIGESTS.digest("account_id", "u1")).isNotEqualTo(digest);
    assertThat(DIGESTS.digest("user_id", "u2")).isNotEqualTo(digest);
    // The zero byte between entity and key: ("user_i", "du1") is another pair.
    assertThat(DIGESTS.digest("user_i", "du1")).isNotEqualTo(digest);
  }

  @Test
  void anUnkeyedDigestOfTheCatalogBeforeIsKeyedToTheKeysOwnDigest()
      throws NoSuchAlgorithmException {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update("user_id".getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    String unkeyed = HexFormat.of().formatHex(sha256.digest("u1".getBytes(StandardCharsets.UTF_8)));

    assertThat(DIGESTS.ofUnkeyedDigest(unkeyed)).isEqualTo(DIGESTS.digest("user_id", "u1"));
  }

  @Test
  void refusesAShortSecret() {
    assertThatThrownBy(() -> KeyDigests.ofSecret("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }
}
