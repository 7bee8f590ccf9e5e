package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.Upload;
import java.io.IOException;
import java.util.Optional;

/**
 * Rewrites one stored object without the rows of erased keys (matched on the entity's column), or a
 * feature file without its rows past the group's maximum age, and stores the rewrite; the catalog
 * row is not touched. A failure to reach the object store is an {@link IOException}; bytes that
 * cannot be read as what the catalog says they are come back as {@link Rewrite.Unreadable}.
 */
public interface StoredObjectRewriter {
  /**
   * Rewrites a data file of the group without the {@code removed} rows as a new file of the group's
   * current schema; no rewrite when no row is left.
   */
  Rewrite<Optional<NewDataFile>> rewriteFeatureFile(
      FeatureGroup group, DataFile file, RemovedRows removed) throws IOException;

  /**
   * Rewrites an uploaded spine as Parquet under {@code objectKey}: columns keep their types, so a
   * training set reading the rewrite sees the spine it saw before, minus those rows.
   */
  Rewrite<StoredRewrite> rewriteUpload(Upload upload, ErasedKeys keys, String objectKey)
      throws IOException;

  /** Rewrites a training set's output under {@code objectKey}. */
  Rewrite<StoredRewrite> rewriteTrainingSetOutput(
      TrainingSet trainingSet, ErasedKeys keys, String objectKey) throws IOException;

  /** Drops any local copy of the content, which nothing references once its rewrite committed. */
  void evictCachedCopy(String contentHash) throws IOException;

  /** What rewriting an object came to. */
  sealed interface Rewrite<T> {
    /** The object held none of the keys' rows; nothing was stored. */
    record NoKeyRows<T>() implements Rewrite<T> {}

    /** The object's bytes are damaged: it may still hold the keys and was left as it is. */
    record Unreadable<T>(String reason) implements Rewrite<T> {
      public Unreadable {
        requireNonNull(reason, "reason is null");
      }
    }

    /** The rewrite is stored; {@code rowsRemoved} rows of the keys were left out. */
    record Rewritten<T>(T rewrite, long rowsRemoved) implements Rewrite<T> {
      public Rewritten {
        requireNonNull(rewrite, "rewrite is null");
        if (rowsRemoved <= 0) {
          throw new IllegalArgumentException("a rewrite leaves out at least one row");
        }
      }
    }
  }

  /** A rewritten upload or training-set output as stored. */
  record StoredRewrite(
      String objectKey, String contentType, String sha256, long byteSize, long rows) {
    public StoredRewrite {
      requireNonNull(objectKey, "objectKey is null");
      requireNonNull(contentType, "contentType is null");
      requireNonNull(sha256, "sha256 is null");
    }
  }
}
