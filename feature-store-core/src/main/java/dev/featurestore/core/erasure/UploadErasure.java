package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.StoredObjectRewriter.Rewrite;
import dev.featurestore.core.erasure.StoredObjectRewriter.StoredRewrite;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Erases keys from uploaded spines with a column named after the entity: each is rewritten as
 * Parquet and its row pointed at the rewrite; an upload left without rows stays, empty.
 */
public final class UploadErasure {
  private final Uploads uploads;
  private final StoredObjectRewriter rewriter;
  private final ErasureSteps steps;

  public UploadErasure(Uploads uploads, StoredObjectRewriter rewriter, ErasureSteps steps) {
    this.uploads = requireNonNull(uploads, "uploads is null");
    this.rewriter = requireNonNull(rewriter, "rewriter is null");
    this.steps = requireNonNull(steps, "steps is null");
  }

  /**
   * Uploads that may hold the entity's keys: those with a column named after it, of a type a key
   * can have (a column of another type is no key column: no training set can use it as one).
   */
  public List<Upload> keyedBy(String entity) {
    return uploads.withColumn(entity).stream()
        .filter(
            upload -> {
              FeatureType type = upload.column(entity).orElseThrow().type();
              return type == FeatureType.STRING
                  || type == FeatureType.INT64
                  || type == FeatureType.INT32;
            })
        .toList();
  }

  /** Rewrites the upload without the keys' rows, naming it in the receipt if it is damaged. */
  public void erase(UUID erasureId, Upload upload, ErasedKeys keys) throws IOException {
    String objectKey = ObjectLayout.uploadAfterErasure(upload.id(), erasureId);
    Rewrite<StoredRewrite> outcome = rewriter.rewriteUpload(upload, keys, objectKey);
    if (outcome instanceof Rewrite.Unreadable<StoredRewrite> unreadable) {
      steps.recordUnreadable(
          erasureId,
          new ErasureReceipt.UnreadableObject(
              ErasureReceipt.Holder.UPLOAD, upload.id(), upload.objectKey(), unreadable.reason()));
    } else if (outcome instanceof Rewrite.Rewritten<StoredRewrite> rewritten) {
      steps.commit(
          erasureId,
          new RewriteStep(
              ErasureReceipt.Holder.UPLOAD,
              upload.id(),
              Optional.empty(),
              upload.objectKey(),
              Optional.of(rewritten.rewrite().objectKey()),
              rewritten.rowsRemoved()),
          () ->
              uploads.replaceObject(
                  upload.id(),
                  upload.objectKey(),
                  rewritten.rewrite().objectKey(),
                  rewritten.rewrite().contentType(),
                  rewritten.rewrite().byteSize(),
                  rewritten.rewrite().rows()));
    }
  }

  /** Whether the upload's row shows the step's rewrite. */
  public boolean committed(RewriteStep step) {
    return uploads
        .find(step.id())
        .map(upload -> step.newObjectKey().orElseThrow().equals(upload.objectKey()))
        .orElse(false);
  }
}
