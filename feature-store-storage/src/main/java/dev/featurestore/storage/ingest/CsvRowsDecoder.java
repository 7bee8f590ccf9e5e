package dev.featurestore.storage.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CSV uploads ({@link CsvRecords}) with a header row naming the columns. An empty unquoted cell is
 * null; a quoted empty cell is the empty string.
 */
public final class CsvRowsDecoder implements UploadDecoder {
  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    try (InputStream body = Files.newInputStream(file)) {
      decode(body, rows);
    }
  }

  private static void decode(InputStream body, RowAssembler rows) throws IOException {
    CsvRecords records = new CsvRecords(body);
    List<String> header = records.header();
    int[] columns = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      columns[i] = rows.column(header.get(i));
    }
    for (List<CsvRecords.Cell> record = records.next(); record != null; record = records.next()) {
      rows.startRow();
      if (record.size() != columns.length) {
        throw rows.error(
            "",
            "has " + record.size() + " cells but the header names " + columns.length + " columns");
      }
      for (int i = 0; i < columns.length; i++) {
        CsvRecords.Cell cell = record.get(i);
        if (cell.isNull()) {
          rows.setNull(columns[i]);
        } else {
          rows.setText(columns[i], cell.text());
        }
      }
      rows.endRow();
    }
    rows.finish();
  }
}
