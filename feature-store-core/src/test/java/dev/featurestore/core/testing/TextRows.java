package dev.featurestore.core.testing;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.RowDestination;
import dev.featurestore.core.ingest.RowFormat;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.ingest.StoredRowBatch;
import dev.featurestore.core.model.EpochMicros;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The simplest upload format, for tests of the use cases without the real decoders: one row per
 * line, {@code key,eventTime,value...}, with a STRING key, an ISO-8601 event time and INT64
 * features in the group's order. A line that does not parse fails with the row's number, as the
 * real formats do.
 */
public final class TextRows implements RowFormat {
  public static final TextRows FORMAT = new TextRows();

  private TextRows() {}

  /** Writes the lines as an upload body in {@code folder}, spooled as a request body would be. */
  public static SpooledUpload upload(Path folder, String... lines) throws IOException {
    byte[] body = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(Files.createTempFile(folder, "upload-", ".txt"), body);
    // The request's identity for idempotent retries: its bytes themselves, as short as a test's.
    return new SpooledUpload(file, body.length, HexFormat.of().formatHex(body));
  }

  @Override
  public String name() {
    return "TEXT";
  }

  @Override
  public void decode(Path body, RowDestination destination) throws IOException {
    List<String> lines = Files.readAllLines(body, StandardCharsets.UTF_8);
    StoredRowBatch batch = destination.first();
    for (int row = 0; row < lines.size(); row++) {
      String[] cells = lines.get(row).split(",", -1);
      if (cells.length != 2 + destination.group().features().size()) {
        throw new InvalidInputException("rows[" + row + "]", "has the wrong number of cells");
      }
      destination.budget().addRows(1);
      batch.startRow(row);
      batch.setKey(cells[0]);
      batch.setEventTime(EpochMicros.of(Instant.parse(cells[1])));
      for (int feature = 0; feature < cells.length - 2; feature++) {
        batch.setInt64(feature, Long.parseLong(cells[2 + feature]));
      }
      if (batch.rowCount() >= destination.rowsPerBatch()) {
        batch = destination.handoff().handOff(batch);
      }
    }
    if (batch.rowCount() > 0) {
      destination.handoff().handOff(batch);
    }
  }
}
