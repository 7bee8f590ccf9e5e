package dev.featurestore.core.testing;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.training.NamedTrainingSet;
import dev.featurestore.core.training.OutputRetention;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetInput;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.TrainingSetSummary;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A {@link TrainingSetCatalog} in memory, for one replica: status moves only forward, as the JDBC
 * catalog's does, and a move from the wrong status is a lost lease.
 */
public final class InMemoryTrainingSetCatalog implements TrainingSetCatalog {
  private final Clock clock;
  private final Map<UUID, TrainingSet> trainingSets = new LinkedHashMap<>();

  public InMemoryTrainingSetCatalog(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized TrainingSet create(
      UUID id,
      String name,
      String requestJson,
      Map<String, Long> catalogVersion,
      UUID ownerKeyId,
      MaxAge retention) {
    TrainingSet created =
        new TrainingSet(
            id,
            name,
            TrainingSetStatus.PENDING,
            requestJson,
            catalogVersion,
            List.of(),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            0,
            Map.of(),
            Optional.empty(),
            Optional.of(ownerKeyId),
            clock.instant(),
            Optional.empty(),
            OutputRetention.of(retention));
    trainingSets.put(id, created);
    return created;
  }

  @Override
  public synchronized void markRunning(UUID id) {
    TrainingSet set = inStatus(id, TrainingSetStatus.PENDING);
    trainingSets.put(
        id,
        new TrainingSet(
            id,
            set.name(),
            TrainingSetStatus.RUNNING,
            set.requestJson(),
            set.catalogVersion(),
            set.inputs(),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            0,
            Map.of(),
            Optional.empty(),
            set.ownerKeyId(),
            set.createdAt(),
            Optional.empty(),
            set.retention()));
  }

  @Override
  public synchronized TrainingSet complete(
      UUID id,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsWithoutConsent,
      List<TrainingSetInput> inputs,
      Map<String, Long> timingsMillis) {
    TrainingSet set = inStatus(id, TrainingSetStatus.RUNNING);
    TrainingSet ready =
        new TrainingSet(
            id,
            set.name(),
            TrainingSetStatus.READY,
            set.requestJson(),
            set.catalogVersion(),
            inputs,
            Optional.of(outputObjectKey),
            Optional.of(outputHash),
            rows,
            0,
            rowsWithoutConsent,
            timingsMillis,
            Optional.empty(),
            set.ownerKeyId(),
            set.createdAt(),
            Optional.of(clock.instant()),
            set.retention());
    trainingSets.put(id, ready);
    return ready;
  }

  @Override
  public synchronized boolean fail(UUID id, String error) {
    TrainingSet set = trainingSets.get(id);
    if (set == null
        || (set.status() != TrainingSetStatus.PENDING
            && set.status() != TrainingSetStatus.RUNNING)) {
      return false;
    }
    trainingSets.put(
        id,
        new TrainingSet(
            id,
            set.name(),
            TrainingSetStatus.FAILED,
            set.requestJson(),
            set.catalogVersion(),
            set.inputs(),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            0,
            Map.of(),
            Optional.of(error),
            set.ownerKeyId(),
            set.createdAt(),
            Optional.of(clock.instant()),
            set.retention()));
    return true;
  }

  @Override
  public synchronized Optional<TrainingSet> find(UUID id) {
    return Optional.ofNullable(trainingSets.get(id));
  }

  @Override
  public synchronized Map<UUID, NamedTrainingSet> names(Collection<UUID> ids) {
    Map<UUID, NamedTrainingSet> names = new LinkedHashMap<>();
    for (UUID id : ids) {
      TrainingSet set = trainingSets.get(id);
      if (set != null) {
        names.put(id, new NamedTrainingSet(set.name(), set.retention().expiredAt()));
      }
    }
    return names;
  }

  @Override
  public synchronized List<TrainingSetSummary> list(TrainingSetListQuery query) {
    return newestFirst(trainingSets.values()).stream()
        .map(TrainingSet::summary)
        .filter(query::matches)
        .limit(query.limit())
        .toList();
  }

  @Override
  public synchronized List<TrainingSet> readingFeatureGroup(String groupName) {
    return newestFirst(
        trainingSets.values().stream()
            .filter(
                set ->
                    set.inputs().stream().anyMatch(input -> input.featureGroup().equals(groupName)))
            .toList());
  }

  /** One replica holds every lease, so renewing keeps them all and none ever expires. */
  @Override
  public synchronized void replaceOutput(
      UUID id,
      String replacedObjectKey,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsErased) {
    TrainingSet set = trainingSets.get(id);
    if (set == null
        || set.status() != TrainingSetStatus.READY
        || !set.outputObjectKey().equals(Optional.of(replacedObjectKey))) {
      throw new ConflictException(
          "training set " + id + " no longer has output " + replacedObjectKey + ", or expired");
    }
    trainingSets.put(
        id,
        new TrainingSet(
            id,
            set.name(),
            set.status(),
            set.requestJson(),
            set.catalogVersion(),
            set.inputs(),
            Optional.of(outputObjectKey),
            Optional.of(outputHash),
            rows,
            set.rowsErased() + rowsErased,
            set.rowsWithoutConsent(),
            set.timingsMillis(),
            set.error(),
            set.ownerKeyId(),
            set.createdAt(),
            set.completedAt(),
            set.retention()));
  }

  /**
   * Requests are kept as the JSON text they came in, which core cannot parse: a request that
   * mentions a key is refused rather than pretended scrubbed.
   */
  @Override
  public synchronized int removeInlineSpineRows(String entity, Collection<String> keys) {
    for (TrainingSet set : trainingSets.values()) {
      for (String key : keys) {
        if (set.requestJson().contains("\"" + key + "\"")) {
          throw new UnsupportedOperationException(
              "the in-memory catalog cannot scrub JSON requests; keep erased keys out of them");
        }
      }
    }
    return 0;
  }

  /** Completed sets here never expire: no expiresAt is computed; RetentionIT tests expiry. */
  @Override
  public List<TrainingSet> expiring(Instant now) {
    return List.of();
  }

  @Override
  public boolean markExpired(UUID id, Instant now) {
    return false;
  }

  @Override
  public boolean markOutputDeleted(UUID id, String outputObjectKey, Instant now) {
    return false;
  }

  @Override
  public synchronized int renewLeases() {
    return (int)
        trainingSets.values().stream()
            .filter(
                set ->
                    set.status() == TrainingSetStatus.PENDING
                        || set.status() == TrainingSetStatus.RUNNING)
            .count();
  }

  @Override
  public int failExpired(String reason) {
    return 0;
  }

  private TrainingSet inStatus(UUID id, TrainingSetStatus status) {
    TrainingSet set = trainingSets.get(id);
    if (set == null || set.status() != status) {
      throw new LostLeaseException("training set " + id + " is not " + status);
    }
    return set;
  }

  /** Insertion order is creation order; the clock may stand still between creations. */
  private static List<TrainingSet> newestFirst(Collection<TrainingSet> sets) {
    List<TrainingSet> newest = new ArrayList<>(sets);
    java.util.Collections.reverse(newest);
    return List.copyOf(newest);
  }
}
