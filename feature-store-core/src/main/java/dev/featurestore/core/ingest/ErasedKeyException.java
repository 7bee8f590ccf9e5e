package dev.featurestore.core.ingest;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * A commit holds rows whose key was erased, and the group refuses such commits (its policy is
 * {@code REFUSE}): nothing is stored. The rows are named by their index in the upload, never by
 * key, the first {@link #MAX_NAMED_ROWS} of them. Maps to HTTP 409 with code {@code ERASED_KEY}.
 */
public final class ErasedKeyException extends ConflictException {
  /** Rows named in the answer; the message counts them all. */
  public static final int MAX_NAMED_ROWS = 100;

  private final List<FieldError> errors;

  /**
   * @param rowIndexes indexes in the upload of the first rows with an erased key, in upload order
   * @param erasedRows how many rows of the upload have an erased key
   */
  public ErasedKeyException(String entity, List<Long> rowIndexes, long erasedRows) {
    super(
        erasedRows
            + " rows hold keys of entity '"
            + entity
            + "' that were erased, and erased keys stay erased: a compliance officer may lift a"
            + " key's tombstone (DELETE /api/v1/tombstones/{entity}/{key}), or the group's"
            + " erasedKeys policy DROP leaves such rows out");
    List<FieldError> named = new ArrayList<>();
    for (long row : rowIndexes.subList(0, Math.min(rowIndexes.size(), MAX_NAMED_ROWS))) {
      named.add(new FieldError("rows[" + row + "]", "its key was erased"));
    }
    this.errors = List.copyOf(named);
  }

  /** The rows named, each as the field {@code rows[i]}. */
  public List<FieldError> errors() {
    return errors;
  }
}
