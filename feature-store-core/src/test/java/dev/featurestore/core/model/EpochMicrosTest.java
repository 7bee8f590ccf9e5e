package dev.featurestore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochMicrosTest {
  @Test
  void convertsEveryInstantInRangeBothWays() {
    assertThat(EpochMicros.of("t", EpochMicros.EARLIEST)).isEqualTo(-62_135_596_800_000_000L);
    assertThat(EpochMicros.of("t", EpochMicros.LATEST)).isEqualTo(Long.MAX_VALUE);
    Instant farFuture = Instant.parse("9999-12-31T23:59:59.123456Z");
    assertThat(EpochMicros.toInstant(EpochMicros.of("t", farFuture))).isEqualTo(farFuture);
    Instant beforeEpoch = Instant.parse("1969-12-31T23:59:59.999999Z");
    assertThat(EpochMicros.of("t", beforeEpoch)).isEqualTo(-1);
    assertThat(EpochMicros.toInstant(-1)).isEqualTo(beforeEpoch);
  }

  @Test
  void refusesInstantsOutsideTheRangeNamingTheField() {
    for (Instant outside :
        new Instant[] {EpochMicros.EARLIEST.minusNanos(1000), EpochMicros.LATEST.plusNanos(1000)}) {
      assertThatThrownBy(() -> EpochMicros.of("spine.rows[0].event_time", outside))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.errors().get(0).field()).isEqualTo("spine.rows[0].event_time"))
          .hasMessageContaining("outside the times that can be stored");
    }
  }

  @Test
  void refusesDurationsLongerThanALongOfMicrosecondsNamingTheField() {
    assertThat(EpochMicros.of("ttl", Duration.ofDays(30))).isEqualTo(30L * 86_400_000_000L);
    assertThatThrownBy(() -> EpochMicros.of("ttl", Duration.ofDays(999_999_999)))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo("ttl"));
  }
}
