package dev.featurestore.core.training;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Where training sets, their inputs and outputs are recorded. */
public interface TrainingSetCatalog {
  /** Records a new training set, PENDING, bound to {@code catalogVersion}, owned by a key. */
  TrainingSet create(
      UUID id, String name, String requestJson, Map<String, Long> catalogVersion, UUID ownerKeyId);

  void markRunning(UUID id);

  /** Marks it READY with its output and the exact files it read. */
  TrainingSet complete(
      UUID id,
      String outputObjectKey,
      String outputHash,
      long rows,
      List<TrainingSetInput> inputs,
      Map<String, Long> timingsMillis);

  void fail(UUID id, String error);

  Optional<TrainingSet> find(UUID id);

  /** The name of each of the training sets that exists, in one catalog call (lineage answers). */
  Map<UUID, String> names(Collection<UUID> ids);

  /** Newest first. */
  List<TrainingSet> list();

  /** Training sets that read any file of the group (as features or as spine), newest first. */
  List<TrainingSet> readingFeatureGroup(String groupName);

  /** Training sets left PENDING or RUNNING by a server that stopped; returns how many. */
  int failUnfinished(String reason);
}
