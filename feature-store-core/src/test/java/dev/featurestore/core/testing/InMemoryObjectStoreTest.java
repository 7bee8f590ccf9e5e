package dev.featurestore.core.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryObjectStoreTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);

  @Test
  void readsWhatWasPutWholeOrByRange() throws IOException {
    objects.put("a/1", "hello".getBytes(UTF_8));

    try (InputStream in = objects.get("a/1")) {
      assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("hello");
    }
    assertThat(objects.getRange("a/1", 1, 3)).isEqualTo("ell".getBytes(UTF_8));
    assertThat(objects.getRange("a/1", 3, 10)).isEqualTo("lo".getBytes(UTF_8));
    assertThat(objects.size("a/1")).isEqualTo(5);
  }

  @Test
  void listsByPrefixInKeyOrderWithTheClocksTime() throws IOException {
    objects.put("b/2", new byte[2]);
    clock.advance(Duration.ofHours(1));
    objects.put("b/1", new byte[1]);
    objects.put("c/1", new byte[3]);

    assertThat(objects.list("b/"))
        .containsExactly(
            new StoredObject("b/1", 1, Instant.parse("2026-01-01T01:00:00Z")),
            new StoredObject("b/2", 2, Instant.parse("2026-01-01T00:00:00Z")));
  }

  @Test
  void missingKeysAreNotFoundAndDeletingThemSucceeds() throws IOException {
    assertThatThrownBy(() -> objects.get("missing")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> objects.size("missing")).isInstanceOf(NotFoundException.class);

    objects.delete("missing");
    objects.put("k", new byte[1]);
    objects.delete("k");

    assertThat(objects.keys()).isEmpty();
  }

  @Test
  void failsOnlyTheNextPutOrDeleteItWasToldTo() throws IOException {
    objects.failNextPut(new ObjectStoreUnavailableException("down"));
    assertThatThrownBy(() -> objects.put("k", new byte[1]))
        .isInstanceOf(ObjectStoreUnavailableException.class);
    assertThat(objects.keys()).isEmpty();
    objects.put("k", new byte[1]);

    objects.failNextDelete(new ObjectStoreUnavailableException("down"));
    assertThatThrownBy(() -> objects.delete("k"))
        .isInstanceOf(ObjectStoreUnavailableException.class);
    assertThat(objects.keys()).containsExactly("k");
    objects.delete("k");
    assertThat(objects.keys()).isEmpty();
  }
}
