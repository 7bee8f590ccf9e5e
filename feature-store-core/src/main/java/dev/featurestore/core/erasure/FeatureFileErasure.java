package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingFileRewrite;
import dev.featurestore.core.erasure.StoredObjectRewriter.Rewrite;
import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Erases rows from the data files of a feature group, those of erased keys or those past the
 * group's maximum age ({@link RemovedRows}): every file of every retained version that may hold
 * such rows (by its key range or event-time range) is rewritten in place (it keeps its id and the
 * versions that see it), so every version reads what it read before minus the erased rows, and
 * commits made meanwhile are untouched. Files added while it runs (a concurrent commit or
 * compaction) are examined in further passes until a pass finds no file it has not examined.
 */
public final class FeatureFileErasure {
  private final Catalog catalog;
  private final StoredObjectRewriter rewriter;
  private final ErasureSteps steps;
  private final ErasureLedger ledger;

  public FeatureFileErasure(
      Catalog catalog, StoredObjectRewriter rewriter, ErasureSteps steps, ErasureLedger ledger) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.rewriter = requireNonNull(rewriter, "rewriter is null");
    this.steps = requireNonNull(steps, "steps is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
  }

  /** The groups whose files hold keys of the entity. */
  public List<FeatureGroup> groupsOf(String entity) {
    return catalog.featureGroups().stream()
        .filter(group -> group.entity().name().equals(entity))
        .toList();
  }

  /** Files of the group that may hold the rows now (one step each). */
  public long filesThatMayHold(FeatureGroup group, RemovedRows removed) {
    return catalog.retainedDataFiles(group.name()).stream().filter(removed::mayBeIn).count();
  }

  /**
   * Rewrites the group's files without the removed rows; {@code stepDone} hears of each file
   * examined. Then, once per group and erasure that removed rows of it (this run or one cut short
   * before it), an ERASURE commit tells online indexes of every replica to rebuild without them; a
   * group none of whose files held such a row gets none.
   */
  public void erase(
      UUID erasureId, FeatureGroup group, RemovedRows removed, String principal, Runnable stepDone)
      throws IOException {
    Set<String> examined = new HashSet<>();
    List<DataFile> unexamined = unexaminedFiles(group, removed, examined);
    while (!unexamined.isEmpty()) {
      for (DataFile file : unexamined) {
        eraseFromFile(erasureId, group, file, removed);
        examined.add(file.id() + "@" + file.objectKey());
        stepDone.run();
      }
      unexamined = unexaminedFiles(group, removed, examined);
    }
    long rowsRemoved = ledger.rowsRemovedFrom(erasureId, group.name());
    if (rowsRemoved > 0) {
      catalog.recordErasure(group.name(), erasureId, rowsRemoved, principal);
    }
  }

  /** Whether the catalog's row of the step's file shows its rewrite. */
  public boolean committed(RewriteStep step) {
    return catalog
        .dataFile(step.featureGroup().orElseThrow(), step.id())
        .map(
            file ->
                step.newObjectKey()
                    .map(rewrite -> file.objectKey().equals(rewrite))
                    .orElseGet(
                        () ->
                            file.objectKey().equals(step.replacedObjectKey())
                                && file.rowCount() == 0))
        .orElse(false);
  }

  private List<DataFile> unexaminedFiles(
      FeatureGroup group, RemovedRows removed, Set<String> examined) {
    return catalog.retainedDataFiles(group.name()).stream()
        .filter(file -> !examined.contains(file.id() + "@" + file.objectKey()))
        .filter(removed::mayBeIn)
        .toList();
  }

  private void eraseFromFile(UUID erasureId, FeatureGroup group, DataFile file, RemovedRows removed)
      throws IOException {
    Rewrite<Optional<NewDataFile>> outcome = rewriter.rewriteFeatureFile(group, file, removed);
    if (outcome instanceof Rewrite.Unreadable<Optional<NewDataFile>> unreadable) {
      steps.recordUnreadable(
          erasureId,
          new ErasureReceipt.UnreadableObject(
              ErasureReceipt.Holder.FEATURE_FILE,
              file.id(),
              file.objectKey(),
              unreadable.reason()));
    } else if (outcome instanceof Rewrite.Rewritten<Optional<NewDataFile>> rewritten) {
      RewriteStep step =
          new RewriteStep(
              ErasureReceipt.Holder.FEATURE_FILE,
              file.id(),
              Optional.of(group.name()),
              file.objectKey(),
              rewritten.rewrite().map(NewDataFile::objectKey),
              rewritten.rowsRemoved());
      PendingFileRewrite pending =
          new PendingFileRewrite(
              group.name(),
              file.id(),
              file.objectKey(),
              rewritten.rewrite(),
              group.schemaVersion());
      if (steps.commit(erasureId, step, () -> catalog.rewriteFile(pending))) {
        rewriter.evictCachedCopy(file.contentHash());
      }
    }
  }
}
