package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.erasure.ErasedKeys;
import dev.featurestore.core.erasure.ExpiredRows;
import dev.featurestore.core.erasure.RemovedRows;
import dev.featurestore.core.erasure.StoredObjectRewriter;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rewrites objects whose content is a row's key per line (the fake's stand-in for Parquet), through
 * a real {@link dev.featurestore.core.objectstore.ObjectStore}: the rows of erased keys are left
 * out and the rest stored as a new object. A line {@code key@instant} is a row with that event
 * time, which the retention by age may remove; a row without one never expires. An object whose
 * first line is {@link #DAMAGED} cannot be read. Evicted cache entries are remembered for tests to
 * check.
 */
public final class KeyLinesObjectRewriter implements StoredObjectRewriter {
  /** The first line of an object whose bytes are damaged. */
  public static final String DAMAGED = "<damaged>";

  private final InMemoryObjectStore objects;
  private final Set<String> evicted = ConcurrentHashMap.newKeySet();

  public KeyLinesObjectRewriter(InMemoryObjectStore objects) {
    this.objects = requireNonNull(objects, "objects is null");
  }

  /**
   * Stores {@code rows} ({@code key} or {@code key@instant} each) as the object {@code objectKey};
   * returns its file stats (event times only when every row has one).
   */
  public NewDataFile store(String objectKey, List<String> rows) throws IOException {
    byte[] content = String.join("\n", rows).getBytes(StandardCharsets.UTF_8);
    objects.put(objectKey, content);
    List<String> keys = rows.stream().map(KeyLinesObjectRewriter::keyOf).toList();
    List<Instant> eventTimes =
        rows.stream().filter(row -> row.contains("@")).map(KeyLinesObjectRewriter::timeOf).toList();
    boolean timed = !rows.isEmpty() && eventTimes.size() == rows.size();
    return new NewDataFile(
        objectKey,
        rows.size(),
        content.length,
        "hash-of-" + objectKey,
        keys.isEmpty() ? null : Collections.min(keys),
        keys.isEmpty() ? null : Collections.max(keys),
        timed ? Collections.min(eventTimes) : null,
        timed ? Collections.max(eventTimes) : null);
  }

  private static String keyOf(String row) {
    int at = row.indexOf('@');
    return at < 0 ? row : row.substring(0, at);
  }

  private static Instant timeOf(String row) {
    return Instant.parse(row.substring(row.indexOf('@') + 1));
  }

  /**
   * Stores {@code keys} as a new file of the group and appends it in a commit of its own; returns
   * the file as the catalog holds it.
   */
  public DataFile append(Catalog catalog, String groupName, List<String> keys) throws IOException {
    NewDataFile file = store(ObjectLayout.newFeatureGroupFile(groupName), keys);
    Commit commit =
        catalog.commit(
            new PendingAppend(groupName, 1, List.of(file), Optional.empty(), "request", "test"));
    return catalog.dataFiles(groupName, commit.sequence()).stream()
        .filter(stored -> stored.objectKey().equals(file.objectKey()))
        .findFirst()
        .orElseThrow();
  }

  /** The rows (keys) of an object. */
  public List<String> rows(String objectKey) throws IOException {
    try (InputStream in = objects.get(objectKey)) {
      String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return content.isEmpty() ? List.of() : List.of(content.split("\n", -1));
    }
  }

  /** Content hashes whose cached copies were evicted. */
  public Set<String> evicted() {
    return Set.copyOf(evicted);
  }

  @Override
  public Rewrite<Optional<NewDataFile>> rewriteFeatureFile(
      FeatureGroup group, DataFile file, RemovedRows removed) throws IOException {
    return rewrite(
        file.objectKey(),
        removed,
        kept ->
            kept.isEmpty()
                ? Optional.empty()
                : Optional.of(store(ObjectLayout.newFeatureGroupFile(group.name()), kept)));
  }

  @Override
  public Rewrite<StoredRewrite> rewriteUpload(Upload upload, ErasedKeys keys, String objectKey)
      throws IOException {
    return rewrite(upload.objectKey(), keys, kept -> storedRewrite(objectKey, kept));
  }

  @Override
  public Rewrite<StoredRewrite> rewriteTrainingSetOutput(
      TrainingSet trainingSet, ErasedKeys keys, String objectKey) throws IOException {
    return rewrite(
        trainingSet.outputObjectKey().orElseThrow(), keys, kept -> storedRewrite(objectKey, kept));
  }

  @Override
  public void evictCachedCopy(String contentHash) {
    evicted.add(contentHash);
  }

  /** Stores the rows kept of a rewrite. */
  private interface KeptRows<T> {
    T store(List<String> kept) throws IOException;
  }

  private <T> Rewrite<T> rewrite(String original, RemovedRows removedRows, KeptRows<T> keptRows)
      throws IOException {
    List<String> rows = rows(original);
    if (!rows.isEmpty() && rows.get(0).equals(DAMAGED)) {
      return new Rewrite.Unreadable<>("the object is damaged");
    }
    List<String> kept = new ArrayList<>();
    for (String row : rows) {
      if (!removes(removedRows, row)) {
        kept.add(row);
      }
    }
    long removed = rows.size() - kept.size();
    if (removed == 0) {
      return new Rewrite.NoKeyRows<>();
    }
    return new Rewrite.Rewritten<>(keptRows.store(kept), removed);
  }

  private StoredRewrite storedRewrite(String objectKey, List<String> kept) throws IOException {
    NewDataFile stored = store(objectKey, kept);
    return new StoredRewrite(
        objectKey, "text/plain", stored.contentHash(), stored.byteSize(), stored.rowCount());
  }

  private static boolean removes(RemovedRows removed, String row) {
    return switch (removed) {
      case ErasedKeys keys -> keys.keys().contains(keyOf(row));
      case ExpiredRows expired ->
          row.contains("@") && timeOf(row).isBefore(expired.removedBefore());
    };
  }
}
