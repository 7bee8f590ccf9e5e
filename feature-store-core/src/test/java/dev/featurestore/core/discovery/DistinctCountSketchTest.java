package dev.featurestore.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistinctCountSketchTest {
  @Test
  void smallCountsComeOutWithinAValueOrTwo() {
    DistinctCountSketch sketch = DistinctCountSketch.empty();
    for (int round = 0; round < 3; round++) {
      for (long value = 0; value < 100; value++) {
        sketch.add(ValueHashing.ofLong(value));
      }
    }
    // Linear counting: only values sharing a register (about two of 100 in 2048) blur it.
    assertThat(sketch.estimate()).isBetween(98L, 102L);
  }

  @Test
  void largeCountsStayWithinAFewPercent() {
    DistinctCountSketch sketch = DistinctCountSketch.empty();
    for (long value = 0; value < 1_000_000; value++) {
      sketch.add(ValueHashing.ofLong(value));
    }
    assertThat((double) sketch.estimate()).isCloseTo(1_000_000, within(50_000.0));
  }

  @Test
  void mergeCountsTheUnionOnce() {
    DistinctCountSketch first = DistinctCountSketch.empty();
    DistinctCountSketch second = DistinctCountSketch.empty();
    for (long value = 0; value < 300; value++) {
      first.add(ValueHashing.ofLong(value));
      second.add(ValueHashing.ofLong(value + 200));
    }
    DistinctCountSketch union = DistinctCountSketch.empty();
    for (long value = 0; value < 500; value++) {
      union.add(ValueHashing.ofLong(value));
    }
    assertThat(first.merge(second)).isEqualTo(union);
    assertThat(DistinctCountSketch.fromBytes(first.merge(second).toBytes()))
        .isEqualTo(first.merge(second));
  }
}
