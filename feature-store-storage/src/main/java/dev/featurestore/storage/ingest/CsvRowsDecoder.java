package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV with a header row naming the columns. An empty unquoted cell is null; a quoted empty
 * cell is the empty string. Read one record at a time, so memory stays bounded by one batch.
 */
public final class CsvRowsDecoder implements UploadDecoder {
  /**
   * A single cell longer than this is refused rather than buffered (a 768-float vector is ~10 KB).
   */
  private static final int MAX_CELL_CHARS = 1 << 20;

  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    try (InputStream body = Files.newInputStream(file)) {
      decode(body, rows);
    }
  }

  private static void decode(InputStream body, RowAssembler rows) throws IOException {
    Reader reader =
        new BufferedReader(
            new InputStreamReader(
                body,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)),
            1 << 16);
    RecordReader records = new RecordReader(reader);
    List<Cell> header = records.next();
    if (header == null) {
      throw new InvalidInputException("body", "CSV needs a header row naming the columns");
    }
    int[] columns = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      columns[i] = rows.column(header.get(i).text().strip());
    }
    for (List<Cell> record = records.next(); record != null; record = records.next()) {
      rows.startRow();
      if (record.size() != columns.length) {
        throw rows.error(
            "",
            "has " + record.size() + " cells but the header names " + columns.length + " columns");
      }
      for (int i = 0; i < columns.length; i++) {
        Cell cell = record.get(i);
        if (cell.text().isEmpty() && !cell.quoted()) {
          rows.setNull(columns[i]);
        } else {
          rows.setText(columns[i], cell.text());
        }
      }
      rows.endRow();
    }
    rows.finish();
  }

  private record Cell(String text, boolean quoted) {}

  /** Splits the character stream into records of cells, honouring quotes across line breaks. */
  private static final class RecordReader {
    private final Reader reader;
    private final StringBuilder cell = new StringBuilder();
    private int pending = -2;

    RecordReader(Reader reader) {
      this.reader = reader;
    }

    private int read() throws IOException {
      if (pending != -2) {
        int next = pending;
        pending = -2;
        return next;
      }
      try {
        return reader.read();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new InvalidInputException("body", "CSV is not valid UTF-8");
      }
    }

    /** The next record, or null at the end; blank lines are skipped. */
    List<Cell> next() throws IOException {
      List<Cell> cells = new ArrayList<>();
      int c = read();
      while (c == '\n' || c == '\r') {
        c = read();
      }
      if (c == -1) {
        return null;
      }
      while (true) {
        cell.setLength(0);
        boolean quoted = false;
        if (c == '"') {
          quoted = true;
          while (true) {
            c = read();
            if (c == -1) {
              throw new InvalidInputException("body", "CSV ends inside a quoted cell");
            }
            if (c == '"') {
              c = read();
              if (c != '"') {
                break;
              }
            }
            append((char) c);
          }
        } else {
          while (c != ',' && c != '\n' && c != '\r' && c != -1) {
            append((char) c);
            c = read();
          }
        }
        cells.add(new Cell(cell.toString(), quoted));
        if (c == ',') {
          c = read();
          continue;
        }
        if (c == '\r') {
          int next = read();
          if (next != '\n') {
            pending = next;
          }
        } else if (c != '\n' && c != -1) {
          throw new InvalidInputException("body", "unexpected character after a quoted cell");
        }
        return cells;
      }
    }

    private void append(char c) {
      if (cell.length() >= MAX_CELL_CHARS) {
        throw new InvalidInputException(
            "body", "a CSV cell is longer than " + MAX_CELL_CHARS + " characters");
      }
      cell.append(c);
    }
  }
}
