package dev.featurestore.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdleBlocksTest {

  @Test
  void capacitiesHoldTheSizeWithAtMostAQuarterMore() {
    IdleBlocks<Object> blocks = new IdleBlocks<>(4_096, 0);
    assertThat(blocks.capacityFor(10)).isEqualTo(4_096);
    assertThat(blocks.capacityFor(4_097)).isEqualTo(5_120);
    assertThat(blocks.capacityFor(1L << 33)).isEqualTo(1L << 33);
    for (long size = 4_097; size < 50_000_000; size = size * 3 / 2 + 17) {
      long capacity = blocks.capacityFor(size);
      assertThat(capacity).isBetween(size, size + size / 4);
      assertThat(blocks.capacityFor(capacity)).isEqualTo(capacity);
    }
  }

  @Test
  void keepsBlocksUpToItsLimitAndHandsThemOutBySize() {
    IdleBlocks<String> blocks = new IdleBlocks<>(4_096, 10_240);
    assertThat(blocks.keep(5_120, "a")).isTrue();
    assertThat(blocks.keep(5_120, "b")).isTrue();
    assertThat(blocks.keep(4_096, "c")).as("over the limit").isFalse();
    assertThat(blocks.idleBytes()).isEqualTo(10_240);

    assertThat(blocks.take(4_096)).isNull();
    assertThat(blocks.take(5_120)).isIn("a", "b");
    assertThat(blocks.idleBytes()).isEqualTo(5_120);
  }
}
