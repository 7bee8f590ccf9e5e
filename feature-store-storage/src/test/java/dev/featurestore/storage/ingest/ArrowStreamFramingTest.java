package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.testing.UploadBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams Arrow Java would leak memory on are refused before it reads them. */
class ArrowStreamFramingTest {
  private static final String ROWS =
      "SELECT 'u' || (i % 7) AS user_id,"
          + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_hours(i) AS event_time,"
          + " i::BIGINT AS clicks_7d, i / 3.0 AS score, 'c' || i AS country,"
          + " [i, i + 0.5, -i]::FLOAT[] AS embedding FROM range(40) t(i)";

  @TempDir Path folder;

  @Test
  void refusesAMessageAfterTheSchemaThatIsNoBatch() throws Exception {
    Path valid = UploadBodies.arrowStream(ROWS, folder.resolve("valid.arrow"));
    assertThatCode(() -> ArrowStreamDecoder.checkFraming(valid)).doesNotThrowAnyException();
    // Found by MalformedUploadIT: flipping these bytes turns the first batch's header type into
    // 49, whose body Arrow Java allocates and then leaks when it refuses the message.
    byte[] flipped = Files.readAllBytes(valid);
    int at = (int) (0.18 * flipped.length);
    for (int i = at; i < at + 15; i++) {
      flipped[i] ^= 50;
    }
    Path file = Files.write(folder.resolve("flipped.arrow"), flipped);

    assertThatThrownBy(() -> ArrowStreamDecoder.checkFraming(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("neither a record nor a dictionary batch");
  }
}
