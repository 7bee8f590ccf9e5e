package dev.featurestore.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditEventTest {
  private final AuditEvent commit =
      AuditEvent.of(
          "pipeline", Optional.empty(), AuditAction.COMMIT, AuditTargetType.FEATURE_GROUP, "g");

  @Test
  void keepsCountsNamesAndIds() {
    UUID commitId = UUID.randomUUID();

    AuditEvent event =
        commit
            .withEntity("user_id")
            .withDetail("rows", 3L)
            .withDetail("commitId", commitId)
            .withDetail("format", "JSON");

    assertThat(event.details())
        .containsEntry("rows", 3L)
        .containsEntry("commitId", commitId)
        .containsEntry("format", "JSON");
    assertThat(event.entity()).contains("user_id");
  }

  @Test
  void refusesRowsAsDetails() {
    assertThatThrownBy(() -> commit.withDetail("row", Map.of("country", "FR")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row");
    assertThatThrownBy(() -> commit.withDetail("values", List.of(1, 2)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
