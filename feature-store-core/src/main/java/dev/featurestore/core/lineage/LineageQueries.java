package dev.featurestore.core.lineage;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.KeyText;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.models.ModelRegistry;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.read.FeatureGroupVersions;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.training.NamedTrainingSet;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetInput;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Answers lineage questions: for a key, a model version, or a feature group. Lineage by model and
 * by group shows only the training sets and models the asking key may see ({@link ApiKey#maySee});
 * lineage by key is for keys that see everything.
 */
public final class LineageQueries {
  private final Catalog catalog;
  private final TrainingSetCatalog trainingSets;
  private final Models models;
  private final LineageStore lineage;
  private final FeatureGroupVersions versions;

  public LineageQueries(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Models models,
      LineageStore lineage,
      FeatureGroupVersions versions) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.models = requireNonNull(models, "models is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.versions = requireNonNull(versions, "versions is null");
  }

  public record CommitReference(UUID commitId, long sequence) {}

  public record GroupUse(String name, List<CommitReference> commits) {}

  /** A training set that used a key; {@code expiredAt} once its output expired and was deleted. */
  public record TrainingSetUse(
      UUID id, String name, Set<KeyUse> usedAs, Optional<Instant> expiredAt) {}

  public record ModelReference(String name, String version) {}

  public record KeyLineage(
      String entity,
      String key,
      List<GroupUse> featureGroups,
      List<TrainingSetUse> trainingSets,
      List<ModelReference> models) {}

  /** A training set that read a group; {@code expiredAt} once its output expired. */
  public record TrainingSetReference(
      UUID id, String name, Map<String, Long> catalogVersion, Optional<Instant> expiredAt) {
    static TrainingSetReference of(TrainingSet set) {
      return new TrainingSetReference(
          set.id(), set.name(), set.catalogVersion(), set.retention().expiredAt());
    }
  }

  public record ModelLineage(
      String name,
      String version,
      List<TrainingSetReference> trainingSets,
      List<GroupUse> featureGroups) {}

  public record GroupLineage(
      String name, List<TrainingSetReference> trainingSets, List<ModelReference> models) {}

  /**
   * Which groups hold rows of the key (and from which commits), which training sets and models used
   * it.
   */
  public KeyLineage forKey(Entity entity, String key) throws IOException {
    List<GroupUse> groups = new ArrayList<>();
    for (FeatureGroup group : catalog.featureGroups()) {
      if (group.entity().name().equals(entity.name())) {
        List<CommitReference> commits = commitsHolding(group, key);
        if (!commits.isEmpty()) {
          groups.add(new GroupUse(group.name(), commits));
        }
      }
    }
    Map<UUID, Set<KeyUse>> uses = lineage.trainingSetsUsing(entity.name(), key);
    // One catalog call for every name: a key of a large entity is in hundreds of training sets.
    Map<UUID, NamedTrainingSet> names = trainingSets.names(uses.keySet());
    List<TrainingSetUse> sets = new ArrayList<>();
    uses.forEach(
        (id, usedAs) -> {
          if (names.containsKey(id)) {
            NamedTrainingSet named = names.get(id);
            sets.add(new TrainingSetUse(id, named.name(), usedAs, named.expiredAt()));
          }
        });
    List<ModelReference> trained =
        models.trainedOn(sets.stream().map(TrainingSetUse::id).toList()).stream()
            .map(model -> new ModelReference(model.name(), model.version()))
            .toList();
    return new KeyLineage(entity.name(), key, groups, sets, trained);
  }

  /** The model's training sets and the commits they read; another key's model is not found. */
  public ModelLineage forModel(String name, String version, ApiKey viewer) {
    Model model = ModelRegistry.visibleModel(models, name, version, viewer);
    List<TrainingSetReference> sets = new ArrayList<>();
    Map<String, Set<UUID>> filesByGroup = new LinkedHashMap<>();
    for (UUID id : model.trainingSets()) {
      TrainingSet set = trainingSets.find(id).orElseThrow();
      sets.add(TrainingSetReference.of(set));
      for (TrainingSetInput input : set.inputs()) {
        filesByGroup
            .computeIfAbsent(input.featureGroup(), g -> new HashSet<>())
            .add(input.dataFileId());
      }
    }
    List<GroupUse> groups = new ArrayList<>();
    filesByGroup.forEach(
        (group, files) -> {
          long latest = catalog.latestSequence(group);
          Set<Long> sequences = new TreeSet<>();
          for (DataFile file : catalog.dataFiles(group, latest)) {
            if (files.contains(file.id())) {
              sequences.add(file.addedSequence());
            }
          }
          groups.add(new GroupUse(group, commitReferences(group, sequences)));
        });
    return new ModelLineage(model.name(), model.version(), sets, groups);
  }

  /** The training sets that read the group and the models trained on them, of those visible. */
  public GroupLineage forGroup(String groupName, ApiKey viewer) {
    if (catalog.featureGroup(groupName).isEmpty()) {
      throw new NotFoundException("feature group '" + groupName + "' not found");
    }
    List<TrainingSet> readers =
        trainingSets.readingFeatureGroup(groupName).stream().filter(viewer::maySee).toList();
    List<TrainingSetReference> sets = readers.stream().map(TrainingSetReference::of).toList();
    List<ModelReference> trained =
        models.trainedOn(readers.stream().map(TrainingSet::id).toList()).stream()
            .filter(viewer::maySee)
            .map(model -> new ModelReference(model.name(), model.version()))
            .toList();
    return new GroupLineage(groupName, sets, trained);
  }

  /** Reads only the files whose key range covers the key, and keeps the commits of its rows. */
  private List<CommitReference> commitsHolding(FeatureGroup group, String key) throws IOException {
    Optional<KeyRange> wanted = KeyRange.ofKeyText(group.entity().keyType(), key);
    if (wanted.isEmpty()) {
      return List.of();
    }
    Set<Long> sequences = new TreeSet<>();
    versions
        .at(group, catalog.latestSequence(group.name()))
        .forEachBatchMayHold(
            wanted.get(),
            batch -> {
              FieldVector keys = batch.getVector(0);
              BigIntVector commitSequences = (BigIntVector) batch.getVector(2);
              for (int row = 0; row < batch.getRowCount(); row++) {
                if (key.equals(KeyText.of(keys, row, group.entity().keyType()))) {
                  sequences.add(commitSequences.get(row));
                }
              }
            });
    return commitReferences(group.name(), sequences);
  }

  private List<CommitReference> commitReferences(String group, Set<Long> sequences) {
    List<CommitReference> references = new ArrayList<>();
    for (Commit commit : catalog.commits(group)) {
      if (sequences.contains(commit.sequence())) {
        references.add(new CommitReference(commit.id(), commit.sequence()));
      }
    }
    return references;
  }
}
