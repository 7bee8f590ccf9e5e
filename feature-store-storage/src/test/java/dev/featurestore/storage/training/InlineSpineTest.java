package dev.featurestore.storage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class InlineSpineTest {
  /** Spine keys go into lineage as Postgres text, which cannot hold U+0000. */
  @Test
  void keyHoldingANulCharacterIsRefusedWithItsRow() {
    InlineSpine spine =
        new InlineSpine(
            List.of(
                Map.of("user_id", "u1", "event_time", "2026-03-05T00:00:00Z"),
                Map.of("user_id", "u\u00002", "event_time", "2026-03-05T00:00:00Z")));
    try (RootAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(
              () -> spine.load(allocator, List.of(new Entity("user_id", KeyType.STRING, ""))))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e ->
                  assertThat(e.errors())
                      .containsExactly(
                          new FieldError(
                              "spine.rows[1].user_id",
                              "a key must not contain the character U+0000")));
    }
  }
}
