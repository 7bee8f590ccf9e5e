package dev.featurestore.api.online;

import java.math.BigInteger;

/**
 * Writes a finite double as exactly the characters {@link Double#toString(double)} gives (JDK 19
 * and later: the shortest decimal that rounds back to the double, by Raffaello Giulietti's
 * Schubfach algorithm), into a caller's array instead of a new {@code String}. An online answer
 * writes thousands of doubles; formatting them was most of its cost.
 *
 * <p>The decimal is chosen as in "The Schubfach way to render doubles" (Giulietti, 2021): the
 * rounding interval of the double is scaled by a 126-bit approximation of a power of ten, and the
 * shortest decimal in it (at least two digits, closest to the double, ties to even) is taken. The
 * layout follows {@code Double.toString}: plain for 10^-3 <= |v| < 10^7, otherwise {@code
 * d.dddE±n}.
 */
final class ShortestDecimal {
  /** The most characters a double takes: {@code -1.2345678901234567E-300}. */
  static final int MAX_CHARS = 24;

  private static final int PRECISION = 53;
  private static final int Q_MIN = -1074;
  private static final long C_MIN = 1L << (PRECISION - 1);
  private static final long SIGNIFICAND_MASK = C_MIN - 1;
  private static final int EXPONENT_MASK = 0x7ff;
  private static final long MASK_63 = Long.MAX_VALUE;
  // Subnormal significands below this have a one-digit shortest decimal; two are written instead.
  private static final long C_TINY = 3;
  // The range of k in 10^k over which doubles' intervals are scaled.
  private static final int K_MIN = -324;
  private static final int K_MAX = 292;
  // Digits in the longest shortest decimal of a double.
  private static final int H = 17;

  private static final long[] POW10 = new long[H + 1];

  /**
   * For each k, g = floor(β) + 1 where 10^-k = β 2^r with 2^125 <= β < 2^126, split into its high
   * and low 63 bits: G[2(k - K_MIN)] and G[2(k - K_MIN) + 1].
   */
  private static final long[] G = new long[2 * (K_MAX - K_MIN + 1)];

  private static final char[] DIGIT_PAIRS = new char[200];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
    BigInteger mask63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    for (int k = K_MIN; k <= K_MAX; k++) {
      BigInteger beta;
      if (k <= 0) {
        BigInteger n = BigInteger.TEN.pow(-k);
        int r = n.bitLength() - 126;
        beta = r >= 0 ? n.shiftRight(r) : n.shiftLeft(-r);
      } else {
        BigInteger d = BigInteger.TEN.pow(k);
        beta = BigInteger.ONE.shiftLeft(125 + d.bitLength()).divide(d);
      }
      BigInteger g = beta.add(BigInteger.ONE);
      G[2 * (k - K_MIN)] = g.shiftRight(63).longValueExact();
      G[2 * (k - K_MIN) + 1] = g.and(mask63).longValueExact();
    }
    for (int i = 0; i < 100; i++) {
      DIGIT_PAIRS[2 * i] = (char) ('0' + i / 10);
      DIGIT_PAIRS[2 * i + 1] = (char) ('0' + i % 10);
    }
  }

  private ShortestDecimal() {}

  /**
   * Writes {@code Double.toString(value)} at {@code out[at]} (room for {@link #MAX_CHARS} needed)
   * and returns the position after it.
   *
   * @throws IllegalArgumentException for NaN and infinities, which JSON writes differently
   */
  static int write(double value, char[] out, int at) {
    long bits = Double.doubleToRawLongBits(value);
    long t = bits & SIGNIFICAND_MASK;
    int biasedExponent = (int) (bits >>> (PRECISION - 1)) & EXPONENT_MASK;
    if (biasedExponent == EXPONENT_MASK) {
      throw new IllegalArgumentException(value + " is not finite");
    }
    int position = at;
    if (bits < 0) {
      out[position++] = '-';
    }
    if (biasedExponent != 0) {
      int mq = -Q_MIN + 1 - biasedExponent;
      long c = C_MIN | t;
      // Integers below 2^53 are their own shortest decimal.
      if (0 < mq && mq < PRECISION) {
        long f = c >> mq;
        if (f << mq == c) {
          return layout(f, 0, out, position);
        }
      }
      return toDecimal(-mq, c, 0, out, position);
    }
    if (t != 0) {
      return t < C_TINY
          ? toDecimal(Q_MIN, 10 * t, -1, out, position)
          : toDecimal(Q_MIN, t, 0, out, position);
    }
    out[position] = '0';
    out[position + 1] = '.';
    out[position + 2] = '0';
    return position + 3;
  }

  /** The shortest decimal of c 2^q, written; dk corrects k when c was scaled by 10. */
  private static int toDecimal(int q, long c, int dk, char[] out, int at) {
    int out2 = (int) c & 1;
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    // The interval is asymmetric at powers of two (except the smallest exponent).
    if (c != C_MIN || q == Q_MIN) {
      cbl = cb - 2;
      k = floorLog10Pow2(q);
    } else {
      cbl = cb - 1;
      k = floorLog10ThreeQuartersPow2(q);
    }
    int h = q + floorLog2Pow10(-k) + 2;
    long g1 = G[2 * (k - K_MIN)];
    long g0 = G[2 * (k - K_MIN) + 1];
    long vb = roundToOdd(g1, g0, cb << h);
    long vbl = roundToOdd(g1, g0, cbl << h);
    long vbr = roundToOdd(g1, g0, cbr << h);
    long s = vb >> 2;
    if (s >= 100) {
      // A decimal one digit shorter, when exactly one of its neighbours is in the interval.
      long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
      long tp10 = sp10 + 10;
      boolean upin = vbl + out2 <= sp10 << 2;
      boolean wpin = (tp10 << 2) + out2 <= vbr;
      if (upin != wpin) {
        return layout(upin ? sp10 : tp10, k, out, at);
      }
    }
    long t = s + 1;
    boolean uin = vbl + out2 <= s << 2;
    boolean win = (t << 2) + out2 <= vbr;
    if (uin != win) {
      return layout(uin ? s : t, k + dk, out, at);
    }
    long cmp = vb - ((s + t) << 1);
    return layout(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k + dk, out, at);
  }

  /** cp g / 2^128 with g = g1 2^63 + g0, rounded to odd. */
  private static long roundToOdd(long g1, long g0, long cp) {
    long x1 = Math.multiplyHigh(g0, cp);
    long y0 = g1 * cp;
    long y1 = Math.multiplyHigh(g1, cp);
    long z = (y0 >>> 1) + x1;
    long vbp = y1 + (z >>> 63);
    return vbp | ((z & MASK_63) + MASK_63) >>> 63;
  }

  private static int floorLog10Pow2(int e) {
    return (int) ((e * 661_971_961_083L) >> 41);
  }

  private static int floorLog10ThreeQuartersPow2(int e) {
    return (int) ((e * 661_971_961_083L - 274_743_187_321L) >> 41);
  }

  private static int floorLog2Pow10(int e) {
    return (int) ((e * 913_124_641_741L) >> 38);
  }

  /** Writes f 10^e as Double.toString lays it out. */
  private static int layout(long f, int e, char[] out, int at) {
    while (f % 10 == 0 && f != 0) {
      f /= 10;
      e++;
    }
    int digits = digitCount(f);
    // The decimal is 0.d1d2... 10^point.
    int point = e + digits;
    if (0 < point && point <= 7) {
      if (digits <= point) {
        writeDigits(f, digits, out, at);
        int position = at + digits;
        for (int i = digits; i < point; i++) {
          out[position++] = '0';
        }
        out[position] = '.';
        out[position + 1] = '0';
        return position + 2;
      }
      // Write the digits one place to the right, then move the integer part back over the gap.
      writeDigits(f, digits, out, at + 1);
      System.arraycopy(out, at + 1, out, at, point);
      out[at + point] = '.';
      return at + digits + 1;
    }
    if (-3 < point && point <= 0) {
      out[at] = '0';
      out[at + 1] = '.';
      int position = at + 2;
      for (int i = point; i < 0; i++) {
        out[position++] = '0';
      }
      writeDigits(f, digits, out, position);
      return position + digits;
    }
    writeDigits(f, digits, out, at + 1);
    out[at] = out[at + 1];
    out[at + 1] = '.';
    int position = at + digits + 1;
    if (digits == 1) {
      out[position++] = '0';
    }
    out[position++] = 'E';
    int exponent = point - 1;
    if (exponent < 0) {
      out[position++] = '-';
      exponent = -exponent;
    }
    if (exponent >= 100) {
      out[position++] = (char) ('0' + exponent / 100);
      exponent %= 100;
      out[position++] = DIGIT_PAIRS[2 * exponent];
      out[position++] = DIGIT_PAIRS[2 * exponent + 1];
    } else if (exponent >= 10) {
      out[position++] = DIGIT_PAIRS[2 * exponent];
      out[position++] = DIGIT_PAIRS[2 * exponent + 1];
    } else {
      out[position++] = (char) ('0' + exponent);
    }
    return position;
  }

  private static int digitCount(long f) {
    int count = floorLog10Pow2(Long.SIZE - Long.numberOfLeadingZeros(f));
    return f >= POW10[count] ? count + 1 : count;
  }

  /** Writes the {@code count} digits of f at out[at], from the right, two at a time. */
  private static void writeDigits(long f, int count, char[] out, int at) {
    int position = at + count;
    while (f >= 100) {
      long quotient = f / 100;
      int pair = (int) (f - quotient * 100);
      out[--position] = DIGIT_PAIRS[2 * pair + 1];
      out[--position] = DIGIT_PAIRS[2 * pair];
      f = quotient;
    }
    if (f >= 10) {
      out[--position] = DIGIT_PAIRS[2 * (int) f + 1];
      out[--position] = DIGIT_PAIRS[2 * (int) f];
    } else {
      out[--position] = (char) ('0' + f);
    }
  }
}
