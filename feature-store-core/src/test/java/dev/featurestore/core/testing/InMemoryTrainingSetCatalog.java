package dev.featurestore.core.testing;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetInput;
import dev.featurestore.core.training.TrainingSetStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Training sets in memory, for one replica whose leases never expire: status moves forward only, as
 * in {@code JdbcTrainingSetCatalog}. Requests are kept as the JSON text they came in, which core
 * cannot parse: {@link #removeInlineSpineRows} refuses requests that mention a key rather than
 * pretend to scrub them.
 */
public final class InMemoryTrainingSetCatalog implements TrainingSetCatalog {
  private final Map<UUID, TrainingSet> trainingSets = new LinkedHashMap<>();

  @Override
  public synchronized TrainingSet create(
      UUID id, String name, String requestJson, Map<String, Long> catalogVersion, UUID ownerKeyId) {
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
            Map.of(),
            Optional.empty(),
            Optional.ofNullable(ownerKeyId),
            Instant.now(),
            Optional.empty());
    trainingSets.put(id, created);
    return created;
  }

  @Override
  public synchronized void markRunning(UUID id) {
    TrainingSet set = inStatus(id, TrainingSetStatus.PENDING);
    trainingSets.put(
        id,
        with(
            set,
            TrainingSetStatus.RUNNING,
            set.outputObjectKey(),
            set.outputHash(),
            set.rows(),
            set.rowsErased(),
            set.inputs(),
            set.error()));
  }

  @Override
  public synchronized TrainingSet complete(
      UUID id,
      String outputObjectKey,
      String outputHash,
      long rows,
      List<TrainingSetInput> inputs,
      Map<String, Long> timingsMillis) {
    TrainingSet set = inStatus(id, TrainingSetStatus.RUNNING);
    TrainingSet ready =
        with(
            set,
            TrainingSetStatus.READY,
            Optional.of(outputObjectKey),
            Optional.of(outputHash),
            rows,
            0,
            inputs,
            Optional.empty());
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
        with(
            set,
            TrainingSetStatus.FAILED,
            set.outputObjectKey(),
            set.outputHash(),
            set.rows(),
            set.rowsErased(),
            set.inputs(),
            Optional.of(error)));
    return true;
  }

  @Override
  public synchronized Optional<TrainingSet> find(UUID id) {
    return Optional.ofNullable(trainingSets.get(id));
  }

  @Override
  public synchronized Map<UUID, String> names(Collection<UUID> ids) {
    Map<UUID, String> names = new HashMap<>();
    for (UUID id : ids) {
      find(id).ifPresent(set -> names.put(id, set.name()));
    }
    return names;
  }

  @Override
  public synchronized List<TrainingSet> list() {
    return trainingSets.values().stream().toList().reversed();
  }

  @Override
  public synchronized List<TrainingSet> readingFeatureGroup(String groupName) {
    return list().stream()
        .filter(
            set -> set.inputs().stream().anyMatch(input -> input.featureGroup().equals(groupName)))
        .toList();
  }

  @Override
  public synchronized void replaceOutput(
      UUID id,
      String replacedObjectKey,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsErased) {
    TrainingSet set = trainingSets.get(id);
    if (set == null || !set.outputObjectKey().equals(Optional.of(replacedObjectKey))) {
      throw new ConflictException(
          "training set " + id + " no longer has output " + replacedObjectKey);
    }
    trainingSets.put(
        id,
        with(
            set,
            set.status(),
            Optional.of(outputObjectKey),
            Optional.of(outputHash),
            rows,
            set.rowsErased() + rowsErased,
            set.inputs(),
            set.error()));
  }

  @Override
  public synchronized int removeInlineSpineRows(String entity, Collection<String> keys) {
    for (TrainingSet set : trainingSets.values()) {
      for (String key : keys) {
        if (set.requestJson().contains("\"" + key + "\"")) {
          throw new UnsupportedOperationException(
              "the in-memory catalog cannot scrub JSON requests; keep keys out of them");
        }
      }
    }
    return 0;
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
  public synchronized int failExpired(String reason) {
    return 0;
  }

  private TrainingSet inStatus(UUID id, TrainingSetStatus expected) {
    TrainingSet set = trainingSets.get(id);
    if (set == null || set.status() != expected) {
      throw new LostLeaseException("training set " + id + " is not " + expected + " here");
    }
    return set;
  }

  private static TrainingSet with(
      TrainingSet set,
      TrainingSetStatus status,
      Optional<String> outputObjectKey,
      Optional<String> outputHash,
      long rows,
      long rowsErased,
      List<TrainingSetInput> inputs,
      Optional<String> error) {
    boolean finished = status == TrainingSetStatus.READY || status == TrainingSetStatus.FAILED;
    return new TrainingSet(
        set.id(),
        set.name(),
        status,
        set.requestJson(),
        set.catalogVersion(),
        inputs,
        outputObjectKey,
        outputHash,
        rows,
        rowsErased,
        set.timingsMillis(),
        error,
        set.ownerKeyId(),
        set.createdAt(),
        finished ? Optional.of(set.completedAt().orElse(Instant.now())) : Optional.empty());
  }
}
