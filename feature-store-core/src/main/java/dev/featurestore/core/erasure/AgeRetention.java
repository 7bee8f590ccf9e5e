package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * The retention by age: removes physically the rows of a group whose event time is older than the
 * group's maximum age, from every file of every retained version, by the rewrite an erasure makes
 * ({@link FeatureFileErasure}). Each run is one group's, recorded in the erasure ledger with its
 * steps and receipt (files rewritten, rows removed), so a run cut short is finished by the next
 * without counting a step twice; the rows it removed are recorded as an ERASURE commit of the
 * group, on which online indexes rebuild. The snapshots of the group's published table that name a
 * rewritten file are expired and counted in the receipt, as an erasure's are.
 *
 * <p>The cutoff is fixed when a run is recorded, so a resumed run removes what the first meant to
 * remove. Training-set outputs keep their rows; their own retention is the training set's.
 */
public final class AgeRetention {
  private final Catalog catalog;
  private final ErasureLedger ledger;
  private final ErasureSteps steps;
  private final FeatureFileErasure files;

  public AgeRetention(
      Catalog catalog, ErasureLedger ledger, ErasureSteps steps, FeatureFileErasure files) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.steps = requireNonNull(steps, "steps is null");
    this.files = requireNonNull(files, "files is null");
  }

  /** The retention over its ports. */
  public static AgeRetention over(
      ErasureLedger ledger,
      Catalog catalog,
      StoredObjectRewriter rewriter,
      ObjectStore objects,
      PublishedTables tables) {
    ErasureSteps steps = new ErasureSteps(ledger, objects, tables);
    return new AgeRetention(
        catalog, ledger, steps, new FeatureFileErasure(catalog, rewriter, steps, ledger));
  }

  /** A group that has rows past its maximum age, and the files that may hold them. */
  public record Due(FeatureGroup group, RetentionRun run, long files) {
    public Due {
      requireNonNull(group, "group is null");
      requireNonNull(run, "run is null");
    }
  }

  /**
   * The groups with a maximum age whose files may hold rows older than it at {@code now} (by the
   * files' event-time ranges), and that no run is removing already.
   */
  public List<Due> due(Instant now) {
    List<Due> due = new ArrayList<>();
    for (FeatureGroup group : catalog.featureGroups()) {
      Optional<Instant> retainedFrom = group.retainedFrom(now);
      if (retainedFrom.isEmpty()) {
        continue;
      }
      long expiredFiles = files.filesThatMayHold(group, new ExpiredRows(retainedFrom.get()));
      if (expiredFiles > 0 && !ledger.retentionInProgress(group.name())) {
        due.add(new Due(group, new RetentionRun(group.name(), retainedFrom.get()), expiredFiles));
      }
    }
    return due;
  }

  /** Records the run of a due group under {@code id} (its job's). */
  public void record(UUID id, Due due, String principal) {
    ledger.createRetention(
        id,
        due.group().entity().name(),
        due.run(),
        "retention: rows of feature group '"
            + due.group().name()
            + "' with an event time before "
            + due.run().removedBefore()
            + " (maxAge "
            + due.group().maxAge()
            + ")",
        principal);
  }

  /** Runs (or finishes) the retention run {@code id}; {@code progress} hears the files examined. */
  public ErasureReceipt run(UUID id, LongConsumer progress) throws IOException {
    Erasure recorded =
        ledger
            .find(id)
            .orElseThrow(() -> new NotFoundException("retention run " + id + " not found"));
    if (recorded.receipt().completedAt().isPresent()) {
      return recorded.receipt();
    }
    RetentionRun run =
        ledger
            .retentionRun(id)
            .orElseThrow(() -> new NotFoundException("erasure " + id + " is no retention run"));
    FeatureGroup group =
        catalog
            .featureGroup(run.featureGroup())
            .orElseThrow(
                () -> new NotFoundException("feature group " + run.featureGroup() + " not found"));
    steps.settleStepInDoubt(id, files::committed);
    long[] done = {0};
    files.erase(
        id,
        group,
        new ExpiredRows(run.removedBefore()),
        recorded.principal(),
        () -> progress.accept(++done[0]));
    steps.deleteReplacedObjects(id);
    steps.expireSnapshotsOfGroup(id, group.name());
    ledger.complete(id, List.of());
    return ledger.find(id).orElseThrow().receipt();
  }
}
