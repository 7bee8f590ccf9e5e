package dev.featurestore.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.FeatureType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FeatureStatisticsTest {
  @Test
  void numbersMergeByValueNotByText() {
    FeatureStatistics merged =
        statistics(1, "9", "10").merge(FeatureType.INT64, statistics(2, "-3", "2"));
    assertThat(merged.nullCount()).isEqualTo(3);
    assertThat(merged.min()).contains("-3");
    assertThat(merged.max()).contains("10");
  }

  @Test
  void stringsMergeInCodePointOrder() {
    // U+FF21 sorts before U+1F600 by code point, after it by UTF-16 unit.
    FeatureStatistics merged =
        statistics(0, "\uFF21", "\uFF21")
            .merge(FeatureType.STRING, statistics(0, "\uD83D\uDE00", "\uD83D\uDE00"));
    assertThat(merged.min()).contains("\uFF21");
    assertThat(merged.max()).contains("\uD83D\uDE00");
  }

  @Test
  void allNullRowsKeepTheOtherSidesRange() {
    FeatureStatistics merged =
        FeatureStatistics.allNull(5).merge(FeatureType.FLOAT64, statistics(1, "0.5", "2.5"));
    assertThat(merged.nullCount()).isEqualTo(6);
    assertThat(merged.min()).contains("0.5");
    assertThat(merged.max()).contains("2.5");
  }

  @Test
  void canonicalStringsStopAtNulAndAtTheLengthLimit() {
    assertThat(FeatureStatistics.canonicalText("ab\u0000cd")).isEqualTo("ab");
    String emoji = "\uD83D\uDE00".repeat(70);
    assertThat(FeatureStatistics.canonicalText(emoji))
        .isEqualTo("\uD83D\uDE00".repeat(FeatureStatistics.MAX_STRING_LENGTH));
  }

  private static FeatureStatistics statistics(long nulls, String min, String max) {
    return new FeatureStatistics(
        nulls, Optional.of(min), Optional.of(max), DistinctCountSketch.empty());
  }
}
