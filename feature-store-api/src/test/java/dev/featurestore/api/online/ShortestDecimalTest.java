package dev.featurestore.api.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShortestDecimalTest {
  private final char[] buffer = new char[ShortestDecimal.MAX_CHARS + 2];

  @Test
  void writesWhatDoubleToStringWritesForRandomBitPatterns() {
    SplittableRandom random = new SplittableRandom(20261125);
    for (int i = 0; i < 2_000_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        assertSameAsJdk(value);
      }
    }
  }

  @Test
  void writesWhatDoubleToStringWritesForTypicalFeatureValues() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 500_000; i++) {
      assertSameAsJdk(random.nextDouble() * 1000);
      assertSameAsJdk(random.nextInt() / 1000.0);
      assertSameAsJdk(random.nextLong());
      assertSameAsJdk((float) random.nextDouble());
    }
  }

  @Test
  void writesSubnormalsZerosAndExtremes() {
    for (long bits = 0; bits < 100_000; bits++) {
      assertSameAsJdk(Double.longBitsToDouble(bits));
      assertSameAsJdk(-Double.longBitsToDouble(bits));
    }
    for (double value :
        new double[] {
          0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, 2e-323, 1e23, 1e22
        }) {
      assertSameAsJdk(value);
      assertSameAsJdk(Math.nextUp(value));
      assertSameAsJdk(Math.nextDown(value));
      assertSameAsJdk(-value);
    }
    assertThat(write(-0.0)).isEqualTo("-0.0");
    assertThat(write(Double.MIN_VALUE)).isEqualTo("4.9E-324");
    assertThat(write(-Double.MAX_VALUE)).isEqualTo("-1.7976931348623157E308");
  }

  /** Every power of two and of ten, their neighbours, and the plain/scientific boundaries. */
  @Test
  void writesPowersAndLayoutBoundaries() {
    for (int exponent = -1074; exponent <= 1023; exponent++) {
      double value = Math.scalb(1.0, exponent);
      assertSameAsJdk(value);
      assertSameAsJdk(Math.nextUp(value));
      assertSameAsJdk(Math.nextDown(value));
    }
    for (int exponent = -324; exponent <= 308; exponent++) {
      double value = Double.parseDouble("1e" + exponent);
      for (int digit = 1; digit <= 9; digit++) {
        assertSameAsJdk(value * digit);
        assertSameAsJdk(Math.nextUp(value * digit));
        assertSameAsJdk(Math.nextDown(value * digit));
      }
    }
    assertThat(write(1e7)).isEqualTo("1.0E7");
    assertThat(write(9999999.0)).isEqualTo("9999999.0");
    assertThat(write(0.001)).isEqualTo("0.001");
    assertThat(write(0.00099)).isEqualTo("9.9E-4");
    assertThat(write(123.456)).isEqualTo("123.456");
    assertThat(write(100.0)).isEqualTo("100.0");
  }

  @Test
  void refusesWhatJsonWritesAsStrings() {
    for (double value : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1 / 0.0}) {
      assertThatThrownBy(() -> ShortestDecimal.write(value, buffer, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Neighbours of the extremes overflow to infinities, which JSON writes as strings: skipped. */
  private void assertSameAsJdk(double value) {
    if (Double.isFinite(value)) {
      assertThat(write(value))
          .as("bits %x", Double.doubleToRawLongBits(value))
          .isEqualTo(Double.toString(value));
    }
  }

  /** Written at an offset, so that writing only inside its own range is checked too. */
  private String write(double value) {
    buffer[0] = '#';
    int end = ShortestDecimal.write(value, buffer, 1);
    assertThat(buffer[0]).isEqualTo('#');
    return new String(buffer, 1, end - 1);
  }
}
