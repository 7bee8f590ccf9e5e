package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class SlotSearchTest {
  /**
   * The branch-free search of a key's slots finds what a plain scan finds: the first slot at or
   * after a time, or the end of the key's slots, in ranges of any length, with repeated times.
   */
  @Property(tries = 2000)
  void findsTheFirstSlotAtOrAfterATime(
      @ForAll @Size(max = 40) List<@LongRange(min = -5, max = 30) Long> times,
      @ForAll @IntRange(min = 0, max = 3) int before,
      @ForAll @IntRange(min = 0, max = 3) int after,
      @ForAll @LongRange(min = -7, max = 32) long time) {
    long[] slotTimes = new long[before + times.size() + after];
    List<Long> sorted = times.stream().sorted().toList();
    for (int i = 0; i < sorted.size(); i++) {
      slotTimes[before + i] = sorted.get(i);
    }
    // Slots of other keys around the range, with times that would mislead a search leaving it.
    for (int i = 0; i < before; i++) {
      slotTimes[i] = Long.MAX_VALUE;
    }
    for (int i = 0; i < after; i++) {
      slotTimes[before + sorted.size() + i] = Long.MIN_VALUE;
    }
    int from = before;
    int to = before + sorted.size();
    int expected = from;
    while (expected < to && slotTimes[expected] < time) {
      expected++;
    }

    assertThat(SpineSlotJoin.firstSlotAtOrAfter(slotTimes, from, to, time)).isEqualTo(expected);
  }
}
