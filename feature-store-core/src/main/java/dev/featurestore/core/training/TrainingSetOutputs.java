package dev.featurestore.core.training;

import dev.featurestore.core.join.JoinOutputSink;
import java.io.IOException;
import java.util.UUID;

/** Writes a training set's join output as a file (Parquet) and stores it in the object store. */
public interface TrainingSetOutputs {
  /** Starts the output of a training set; closing it discards whatever was not stored. */
  Output open(UUID trainingSetId, String name) throws IOException;

  /** The file's content: its SHA-256 (hex) and row count. */
  record Written(String sha256, long rowCount) {}

  /** Takes the join's output in its final column order, as a {@link JoinOutputSink}. */
  interface Output extends JoinOutputSink, AutoCloseable {
    /** Ends the file; nothing is stored yet. */
    Written finish() throws IOException;

    /** Stores the finished file under {@code objectKey}. */
    void store(String objectKey) throws IOException;

    @Override
    void close() throws IOException;
  }
}
