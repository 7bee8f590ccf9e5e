package dev.featurestore.storage.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One edit of a valid upload body, at a position given as a fraction of its length: what a
 * truncated transfer, bit rot or a hand-crafted attack does to it. {@code NONE} keeps the body, so
 * that properties also follow valid bodies through everything after ingest.
 */
public record BodyMutation(Kind kind, double position, int length, byte value) {
  public enum Kind {
    NONE,
    TRUNCATE,
    FLIP,
    DELETE,
    INSERT,
    REPEAT,
    /**
     * A 4-byte-aligned little-endian integer set to a megabyte or more, as an Arrow offset or
     * length pointing past its buffer.
     */
    LARGE_INTEGER
  }

  /** Every kind of edit, anywhere, up to 16 bytes long. */
  public static Arbitrary<BodyMutation> any() {
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.integers().between(1, 16),
            Arbitraries.bytes())
        .as(BodyMutation::new);
  }

  public byte[] applyTo(byte[] valid) {
    int at = (int) (position * valid.length);
    int end = Math.min(valid.length, at + length);
    return switch (kind) {
      case NONE -> valid.clone();
      case TRUNCATE -> Arrays.copyOf(valid, at);
      case FLIP -> {
        byte[] flipped = valid.clone();
        for (int i = at; i < end; i++) {
          flipped[i] ^= value == 0 ? 1 : value;
        }
        yield flipped;
      }
      case DELETE -> concat(Arrays.copyOf(valid, at), Arrays.copyOfRange(valid, end, valid.length));
      case INSERT -> {
        byte[] inserted = new byte[length];
        Arrays.fill(inserted, value);
        yield concat(
            concat(Arrays.copyOf(valid, at), inserted),
            Arrays.copyOfRange(valid, at, valid.length));
      }
      case REPEAT ->
          concat(
              concat(Arrays.copyOf(valid, end), Arrays.copyOfRange(valid, at, end)),
              Arrays.copyOfRange(valid, end, valid.length));
      case LARGE_INTEGER -> {
        byte[] patched = valid.clone();
        int word = Math.min(at & ~3, patched.length - 4);
        if (word >= 0) {
          ByteBuffer.wrap(patched)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putInt(word, (1 << 20) + (value & 0xff));
        }
        yield patched;
      }
    };
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] joined = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, joined, first.length, second.length);
    return joined;
  }
}
