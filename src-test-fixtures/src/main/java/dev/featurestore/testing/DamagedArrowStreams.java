package dev.featurestore.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;

/** Arrow IPC streams with sound framing and a lying buffer, as an attacker would craft them. */
public final class DamagedArrowStreams {
  /** Three rows; {@code country}'s string offsets are 0, 1, 3, 6, found in no other buffer. */
  public static final String ROWS =
      "SELECT * FROM (VALUES"
          + " ('u1', TIMESTAMPTZ '2026-03-01 00:00:00+00', 'a'),"
          + " ('u2', TIMESTAMPTZ '2026-03-01 00:00:00+00', 'bb'),"
          + " ('u3', TIMESTAMPTZ '2026-03-01 00:00:00+00', 'ccc'))"
          + " AS t(user_id, event_time, country)";

  private DamagedArrowStreams() {}

  /**
   * {@link #ROWS} as an Arrow stream whose last {@code country} offset is 0x00100000 instead of 6:
   * the row's string would end a megabyte past the column's six bytes of data.
   */
  public static Path stringOffsetPastItsData(Path folder) throws IOException, SQLException {
    Path valid = UploadBodies.arrowStream(ROWS, folder.resolve(UUID.randomUUID() + ".arrow"));
    byte[] stream = Files.readAllBytes(valid);
    Files.delete(valid);
    byte[] offsets = littleEndian(0, 1, 3, 6);
    int at = indexOf(stream, offsets);
    if (at < 0 || indexOf(stream, offsets, at + 1) >= 0) {
      throw new IllegalStateException("the offsets of 'country' are not found exactly once");
    }
    ByteBuffer.wrap(stream, at + 12, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x00100000);
    return Files.write(folder.resolve(UUID.randomUUID() + "-damaged.arrow"), stream);
  }

  private static byte[] littleEndian(int... values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int value : values) {
      bytes.putInt(value);
    }
    return bytes.array();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    return indexOf(haystack, needle, 0);
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    for (int start = from; start <= haystack.length - needle.length; start++) {
      int matched = 0;
      while (matched < needle.length && haystack[start + matched] == needle[matched]) {
        matched++;
      }
      if (matched == needle.length) {
        return start;
      }
    }
    return -1;
  }
}
