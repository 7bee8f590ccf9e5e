package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits RFC 4180 CSV into records of cells, honouring quotes across line breaks, one record at a
 * time so that memory stays bounded by one record. Shared by commit and spine uploads.
 */
public final class CsvRecords {
  /** One cell: its text, and whether it was quoted (an empty unquoted cell is null). */
  public record Cell(String text, boolean quoted) {
    public boolean isNull() {
      return text.isEmpty() && !quoted;
    }
  }

  /**
   * A single cell longer than this is refused rather than buffered (a 768-float vector is ~10 KB).
   */
  private static final int MAX_CELL_CHARS = 1 << 20;

  /** What spreadsheet programs put before UTF-8 CSV; it is not part of the first column's name. */
  private static final int BYTE_ORDER_MARK = '\uFEFF';

  private final Reader reader;
  private final StringBuilder cell = new StringBuilder();
  private int pending = -2;
  private boolean started;

  /** Reads {@code body} as UTF-8; bytes that are not UTF-8 are bad input. */
  public CsvRecords(InputStream body) {
    this.reader =
        new BufferedReader(
            new InputStreamReader(
                body,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)),
            1 << 16);
  }

  private int read() throws IOException {
    if (pending != -2) {
      int next = pending;
      pending = -2;
      return next;
    }
    try {
      int next = reader.read();
      if (!started) {
        started = true;
        if (next == BYTE_ORDER_MARK) {
          next = reader.read();
        }
      }
      return next;
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InvalidInputException("body", "CSV is not valid UTF-8");
    }
  }

  /**
   * The first record as column names, stripped of surrounding blanks; call before {@link #next}. A
   * missing header or a name given twice is refused (else the last column of a name would win).
   */
  public List<String> header() throws IOException {
    List<Cell> cells = next();
    if (cells == null) {
      throw new InvalidInputException("body", "CSV needs a header row naming the columns");
    }
    List<String> names = new ArrayList<>(cells.size());
    Set<String> seen = new HashSet<>();
    for (Cell cell : cells) {
      String name = cell.text().strip();
      if (!seen.add(name)) {
        throw new InvalidInputException(name, "is named twice in the CSV header");
      }
      names.add(name);
    }
    return names;
  }

  /** The next record, or null at the end; blank lines are skipped. */
  public List<Cell> next() throws IOException {
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
