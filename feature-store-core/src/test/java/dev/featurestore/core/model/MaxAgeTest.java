package dev.featurestore.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MaxAgeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T06:00:00Z");

  @Test
  void yearsAreCalendarYearsBackFromNowInUtc() {
    assertThat(MaxAge.parse("maxAge", "P2Y").retainedFrom(NOW))
        .contains(Instant.parse("2024-03-01T06:00:00Z"));
    assertThat(MaxAge.parse("maxAge", "P1M").retainedFrom(NOW))
        .contains(Instant.parse("2026-02-01T06:00:00Z"));
  }

  @Test
  void dateAndTimePartsAddUp() {
    MaxAge age = MaxAge.parse("maxAge", "P1DT12H");

    assertThat(age.retainedFrom(NOW)).contains(Instant.parse("2026-02-27T18:00:00Z"));
    assertThat(age).hasToString("P1DT12H");
    assertThat(MaxAge.parse("maxAge", "PT12H")).hasToString("PT12H");
    assertThat(MaxAge.parse("maxAge", "P2Y")).hasToString("P2Y");
  }

  @Test
  void zeroKeepsRowsForEver() {
    assertThat(MaxAge.parse("maxAge", "PT0S").isForever()).isTrue();
    assertThat(MaxAge.FOREVER.retainedFrom(NOW)).isEmpty();
  }

  @Test
  void refusesWhatIsNoDurationByName() {
    for (String bad : new String[] {"2 years", "P", "PT", "P2Q", "-P1D", "P-1Y", "PT-1H", ""}) {
      assertThatThrownBy(() -> MaxAge.parse("maxAge", bad))
          .as(bad)
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              e -> assertThat(e.errors().get(0).field()).isEqualTo("maxAge"));
    }
  }

  @Test
  void refusesAnAgeBeyondTenThousandYears() {
    assertThatThrownBy(() -> MaxAge.parse("maxAge", "P10001Y"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("10000 years");
    assertThatThrownBy(() -> MaxAge.parse("maxAge", "P999999999Y"))
        .isInstanceOf(InvalidInputException.class);
  }
}
