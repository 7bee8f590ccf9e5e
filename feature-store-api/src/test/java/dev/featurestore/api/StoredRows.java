package dev.featurestore.api;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.storage.training.TrainingSetExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/** Reads what is really stored, for tests that must prove a key is gone (or untouched). */
public final class StoredRows {
  private StoredRows() {}

  /**
   * Every row of every object in the store, as CSV lines, by object key: feature files,
   * training-set outputs and uploaded spines alike (Parquet, Arrow IPC stream or CSV, told apart by
   * their first bytes, whatever the key's suffix), read straight from the bytes, not through the
   * catalog.
   */
  public static Map<String, List<String>> everyObject(ObjectStore objects, Path scratch)
      throws IOException {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (StoredObject object : objects.list("")) {
      Path local = Files.createTempFile(scratch, "object", ".bin");
      try (InputStream in = objects.get(object.key())) {
        Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      rows.put(object.key(), rowsOfAnyFormat(local));
      Files.delete(local);
    }
    return rows;
  }

  private static List<String> rowsOfAnyFormat(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(4);
    }
    if (Arrays.equals(head, "PAR1".getBytes(StandardCharsets.US_ASCII))) {
      return rowsAsCsv(file);
    }
    if (Arrays.equals(head, new byte[] {-1, -1, -1, -1})) {
      return arrowStreamRows(file);
    }
    if (Arrays.equals(head, new byte[] {'O', 'b', 'j', 1})) {
      // An Avro file: an Iceberg manifest or manifest list, which names files and holds no rows
      // (IcebergTablesIT checks that none left names a file an erasure replaced).
      return List.of();
    }
    // Anything else holding rows is CSV text: every line after the header.
    List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    if (!lines.isEmpty()) {
      lines.remove(0);
    }
    return lines;
  }

  private static List<String> arrowStreamRows(Path file) throws IOException {
    List<String> rows = new ArrayList<>();
    try (RootAllocator allocator = new RootAllocator();
        InputStream in = Files.newInputStream(file);
        ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      while (reader.loadNextBatch()) {
        rows.addAll(text(reader.getVectorSchemaRoot()));
      }
    }
    return rows;
  }

  /** The rows of every Parquet file under {@code folder} (local copies in caches, say), by path. */
  public static Map<Path, List<String>> everyParquetFile(Path folder) throws IOException {
    Map<Path, List<String>> rows = new LinkedHashMap<>();
    try (var files = Files.walk(folder)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".parquet")).toList()) {
        rows.put(file, rowsAsCsv(file));
      }
    }
    return rows;
  }

  private static List<String> rowsAsCsv(Path parquet) throws IOException {
    ByteArrayOutputStream csv = new ByteArrayOutputStream();
    TrainingSetExport.write(parquet, TrainingSetExport.Format.CSV, csv);
    List<String> lines = new ArrayList<>(csv.toString(StandardCharsets.UTF_8).lines().toList());
    lines.remove(0);
    return lines;
  }

  /** Whether a CSV line has a cell equal to {@code value}. */
  public static boolean hasCell(String csvLine, String value) {
    return Arrays.asList(csvLine.split(",", -1)).contains(value);
  }

  /**
   * Every row of the group as each of its versions reads it (1 to the latest), all columns,
   * bookkeeping included, as text.
   */
  public static Map<Long, List<String>> everyVersion(
      Catalog catalog, FeatureGroupReader reader, String groupName) throws IOException {
    FeatureGroup group = catalog.featureGroup(groupName).orElseThrow();
    Map<Long, List<String>> versions = new LinkedHashMap<>();
    for (long sequence = 1; sequence <= catalog.latestSequence(groupName); sequence++) {
      List<String> rows = new ArrayList<>();
      reader
          .snapshot(group, sequence)
          .forEachBatch(FeatureFileScan.allFeatures(group), batch -> rows.addAll(text(batch)));
      versions.put(sequence, rows);
    }
    return versions;
  }

  /** How many rows of each commit (by sequence) the group's latest version reads. */
  public static Map<Long, Long> rowsPerCommitSequence(
      Catalog catalog, ObjectStore objects, Path cacheFolder, String groupName) throws IOException {
    Map<Long, Long> rows = new HashMap<>();
    FeatureGroup group = catalog.featureGroup(groupName).orElseThrow();
    try (RootAllocator allocator = new RootAllocator()) {
      new FeatureGroupReader(
              catalog,
              new ObjectCache(objects, cacheFolder),
              allocator,
              Executors.newVirtualThreadPerTaskExecutor())
          .snapshot(group, catalog.latestSequence(groupName))
          .forEachBatch(
              FeatureFileScan.features(List.of()),
              batch -> {
                BigIntVector sequences =
                    (BigIntVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE);
                for (int row = 0; row < batch.getRowCount(); row++) {
                  rows.merge(sequences.get(row), 1L, Long::sum);
                }
              });
    }
    return rows;
  }

  private static List<String> text(VectorSchemaRoot batch) {
    List<String> rows = new ArrayList<>();
    for (int row = 0; row < batch.getRowCount(); row++) {
      List<String> cells = new ArrayList<>();
      for (var vector : batch.getFieldVectors()) {
        cells.add(String.valueOf(vector.getObject(row)));
      }
      rows.add(String.join(",", cells));
    }
    return rows;
  }
}
