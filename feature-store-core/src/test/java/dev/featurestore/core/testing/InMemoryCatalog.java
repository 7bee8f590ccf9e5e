package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.ArchivedGroupException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.GroupVersion;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.catalog.PendingFileRewrite;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.MaxAge;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The catalog in memory, for fast tests of the use cases (Trino's {@code TestingMetadata}): it
 * keeps the rules of {@code JdbcCatalog} that callers rely on (one sequence per commit counting up
 * from 1, strictly increasing write times, idempotency keys with their request hash, compactions
 * that lose to an earlier replacement, visibility by sequence, expiry in the order of replacement)
 * without a database. Every method is atomic, as a transaction is.
 *
 * <p>{@link #referencesObject} answers for data files only: training-set outputs and uploads are
 * tables of other ports. Tests decide the outcome of the next change of commits or files ({@link
 * #commit}, {@link #compact}, {@link #recordErasure}, {@link #rewriteFile}, {@link #expire}) with
 * {@link #failNextCommit} (nothing changes) and {@link #failNextCommitAfterApplying} (the change is
 * made, then the failure thrown: a {@link
 * dev.featurestore.core.catalog.CommitStateUnknownException} whose commit did happen).
 */
public final class InMemoryCatalog implements Catalog {
  private final Clock clock;
  private final Map<String, Entity> entities = new TreeMap<>();
  private final Map<String, GroupState> groups = new TreeMap<>();
  private final Map<UUID, GroupState> deleted = new LinkedHashMap<>();
  private RuntimeException nextFailureBefore;
  private RuntimeException nextFailureAfter;

  /** Write times from the system clock. */
  public InMemoryCatalog() {
    this(Clock.systemUTC());
  }

  /** Write times (and the times replaced files are due to expire) from {@code clock}. */
  public InMemoryCatalog(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The next change of commits or files throws {@code failure} and changes nothing. */
  public synchronized void failNextCommit(RuntimeException failure) {
    this.nextFailureBefore = requireNonNull(failure, "failure is null");
  }

  /**
   * The next change of commits or files is made, then throws {@code failure}: what a caller sees
   * when the connection broke after Postgres committed.
   */
  public synchronized void failNextCommitAfterApplying(RuntimeException failure) {
    this.nextFailureAfter = requireNonNull(failure, "failure is null");
  }

  @Override
  public synchronized Entity createEntity(Entity entity) {
    if (entities.containsKey(entity.name())) {
      throw new ConflictException("entity '" + entity.name() + "' already exists");
    }
    entities.put(entity.name(), entity);
    return entity;
  }

  @Override
  public synchronized Entity describeEntity(Entity described) {
    if (!entities.containsKey(described.name())) {
      throw new NotFoundException("entity '" + described.name() + "' not found");
    }
    Entity stored = entities.get(described.name());
    Entity changed =
        stored.describedAs(described.description(), described.owner(), described.tags());
    entities.put(changed.name(), changed);
    return changed;
  }

  @Override
  public synchronized Optional<Entity> entity(String name) {
    return Optional.ofNullable(entities.get(name));
  }

  @Override
  public synchronized List<Entity> entities() {
    return List.copyOf(entities.values());
  }

  @Override
  public synchronized FeatureGroup createFeatureGroup(FeatureGroup group) {
    Entity entity = entities.get(group.entity().name());
    if (entity == null) {
      throw new NotFoundException("entity '" + group.entity().name() + "' not found");
    }
    if (groups.containsKey(group.name())) {
      throw new ConflictException("feature group '" + group.name() + "' already exists");
    }
    FeatureGroup created =
        new FeatureGroup(
            group.name(),
            entity,
            group.features(),
            group.ttl(),
            group.online(),
            group.description(),
            1,
            group.owner(),
            group.tags(),
            group.maxAge(),
            group.classification(),
            group.erasedKeys());
    groups.put(group.name(), new GroupState(created));
    return created;
  }

  @Override
  public synchronized Optional<FeatureGroup> featureGroup(String name) {
    return Optional.ofNullable(groups.get(name)).map(state -> state.definition);
  }

  @Override
  public synchronized List<FeatureGroup> featureGroups() {
    return groups.values().stream()
        .filter(state -> state.deletionId == null)
        .map(state -> state.definition)
        .toList();
  }

  @Override
  public synchronized List<GroupVersion> groupVersions() {
    return groups.values().stream()
        .map(
            state ->
                new GroupVersion(
                    state.definition.name(),
                    state.latestSequence(),
                    state.definition.schemaVersion(),
                    state.definition.online()))
        .toList();
  }

  @Override
  public synchronized FeatureGroup addFeatures(String groupName, List<FeatureDefinition> features) {
    GroupState group = keptGroup(groupName);
    group.definition = group.definition.withFeaturesAdded(features);
    return group.definition;
  }

  @Override
  public synchronized FeatureGroup describeFeatureGroup(FeatureGroup described) {
    GroupState group = keptGroup(described.name());
    if (group.definition.schemaVersion() != described.schemaVersion()) {
      throw new ConflictException(
          "feature group '"
              + described.name()
              + "' is at schema version "
              + group.definition.schemaVersion());
    }
    group.definition = described;
    return described;
  }

  @Override
  public synchronized FeatureGroup retainFor(String groupName, MaxAge maxAge) {
    GroupState group = group(groupName);
    group.definition = group.definition.withMaxAge(maxAge);
    return group.definition;
  }

  @Override
  public synchronized FeatureGroup markOnline(String groupName, boolean online) {
    GroupState group = keptGroup(groupName);
    group.definition = group.definition.withOnline(online);
    return group.definition;
  }

  @Override
  public synchronized FeatureGroup setErasedKeyPolicy(String groupName, ErasedKeyPolicy policy) {
    GroupState group = keptGroup(groupName);
    group.definition = group.definition.withErasedKeys(policy);
    return group.definition;
  }

  @Override
  public synchronized void archive(String groupName) {
    GroupState group = keptGroup(groupName);
    if (group.archivedAt == null) {
      group.archivedAt = clock.instant();
    }
  }

  @Override
  public synchronized void unarchive(String groupName) {
    keptGroup(groupName).archivedAt = null;
  }

  @Override
  public synchronized Map<String, Instant> archivedGroups() {
    Map<String, Instant> archived = new TreeMap<>();
    groups.forEach(
        (name, group) -> {
          if (group.archivedAt != null) {
            archived.put(name, group.archivedAt);
          }
        });
    return archived;
  }

  @Override
  public synchronized UUID beginDeletion(String groupName, UUID deletionId) {
    GroupState group = group(groupName);
    if (group.deletionId == null) {
      group.deletionId = requireNonNull(deletionId, "deletionId is null");
      group.definition = group.definition.withOnline(false);
    }
    return group.deletionId;
  }

  @Override
  public synchronized boolean deletionCompleted(UUID deletionId) {
    return deleted.containsKey(deletionId);
  }

  @Override
  public synchronized void completeDeletion(UUID deletionId) {
    for (GroupState group : groups.values()) {
      if (deletionId.equals(group.deletionId)) {
        Instant now = clock.instant();
        group.files.values().stream()
            .filter(file -> file.expiredAt == null)
            .forEach(file -> file.expiredAt = now);
        groups.remove(group.definition.name());
        deleted.put(deletionId, group);
        return;
      }
    }
  }

  @Override
  public synchronized Commit commit(PendingAppend append) {
    GroupState group = writableGroup(append.featureGroup());
    if (append.idempotencyKey().isPresent()) {
      Optional<StoredCommit> earlier = group.byIdempotencyKey(append.idempotencyKey().get());
      if (earlier.isPresent()) {
        if (!append.requestHash().equals(earlier.get().requestHash)) {
          throw new ConflictException(
              "idempotency key '"
                  + append.idempotencyKey().get()
                  + "' was already used for a different request");
        }
        return group.commit(earlier.get());
      }
    }
    return change(
        () -> {
          requireUncommitted(append.files());
          long sequence = group.latestSequence() + 1;
          StoredCommit commit =
              group.addCommit(
                  CommitKind.APPEND,
                  append.schemaVersion(),
                  append.rows(),
                  nextWriteTime(group),
                  append.idempotencyKey().orElse(null),
                  append.requestHash(),
                  append.droppedErasedRows());
          for (NewDataFile file : append.files()) {
            group.addFile(file, sequence, append.schemaVersion(), sequence, sequence);
          }
          return group.commit(commit);
        });
  }

  @Override
  public synchronized Commit compact(PendingCompaction compaction) {
    GroupState group = writableGroup(compaction.featureGroup());
    return change(
        () -> {
          List<StoredFile> replaced = new ArrayList<>();
          for (UUID id : compaction.replaced()) {
            StoredFile file = group.files.get(id);
            if (file == null || file.removedSequence != null) {
              throw new ConflictException(
                  "feature group '" + group.definition.name() + "' was compacted concurrently");
            }
            replaced.add(file);
          }
          requireUncommitted(compaction.files());
          long sequence = group.latestSequence() + 1;
          Instant writeTime = nextWriteTime(group);
          long minCommitSequence = Long.MAX_VALUE;
          long maxCommitSequence = Long.MIN_VALUE;
          for (StoredFile file : replaced) {
            file.removedSequence = sequence;
            file.replacedAt = writeTime;
            minCommitSequence = Math.min(minCommitSequence, file.minCommitSequence);
            maxCommitSequence = Math.max(maxCommitSequence, file.maxCommitSequence);
          }
          StoredCommit commit =
              group.addCommit(
                  CommitKind.COMPACTION,
                  compaction.schemaVersion(),
                  compaction.rows(),
                  writeTime,
                  null,
                  null);
          for (NewDataFile file : compaction.files()) {
            group.addFile(
                file, sequence, compaction.schemaVersion(), minCommitSequence, maxCommitSequence);
          }
          return group.commit(commit);
        });
  }

  @Override
  public synchronized Optional<Commit> commitByIdempotencyKey(
      String groupName, String idempotencyKey) {
    GroupState group = group(groupName);
    return group.byIdempotencyKey(idempotencyKey).map(group::commit);
  }

  @Override
  public synchronized Optional<Commit> findCommit(UUID commitId) {
    for (GroupState group : groups.values()) {
      for (StoredCommit commit : group.commits) {
        if (commit.id.equals(commitId)) {
          return Optional.of(group.commit(commit));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<Commit> commitsBetween(
      String groupName, long afterSequence, long throughSequence) {
    GroupState group = group(groupName);
    List<Commit> between = new ArrayList<>();
    for (StoredCommit commit : group.commits) {
      if (commit.sequence > afterSequence && commit.sequence <= throughSequence) {
        between.add(group.commit(commit));
      }
    }
    return between;
  }

  @Override
  public synchronized long liveFilesSmallerThan(String groupName, long bytes) {
    return group(groupName).files.values().stream()
        .filter(file -> file.removedSequence == null && file.file.byteSize() < bytes)
        .count();
  }

  @Override
  public synchronized long latestSequence(String groupName) {
    return group(groupName).latestSequence();
  }

  @Override
  public synchronized long sequenceAt(String groupName, Instant writeTime) {
    long sequence = 0;
    for (StoredCommit commit : group(groupName).commits) {
      if (!commit.writeTime.isAfter(writeTime)) {
        sequence = commit.sequence;
      }
    }
    return sequence;
  }

  @Override
  public synchronized List<DataFile> dataFiles(String groupName, long sequence) {
    return group(groupName).dataFiles(file -> file.dataFile().visibleAt(sequence));
  }

  @Override
  public synchronized List<DataFile> retainedDataFiles(String groupName) {
    // Files an erasure emptied are visible to no version.
    return group(groupName)
        .dataFiles(
            file ->
                file.expiredAt == null
                    && (file.removedSequence == null || file.removedSequence > file.addedSequence));
  }

  @Override
  public synchronized Commit recordErasure(
      String groupName, UUID erasureId, long rowsRemoved, String principal) {
    GroupState group = group(groupName);
    String idempotencyKey = "erasure:" + erasureId;
    Optional<StoredCommit> earlier = group.byIdempotencyKey(idempotencyKey);
    if (earlier.isPresent()) {
      return group.commit(earlier.get());
    }
    return change(
        () ->
            group.commit(
                group.addCommit(
                    CommitKind.ERASURE,
                    group.definition.schemaVersion(),
                    rowsRemoved,
                    nextWriteTime(group),
                    idempotencyKey,
                    null)));
  }

  @Override
  public synchronized void rewriteFile(PendingFileRewrite rewrite) {
    GroupState group = group(rewrite.featureGroup());
    change(
        () -> {
          StoredFile file = group.files.get(rewrite.fileId());
          if (file == null
              || !file.objectKey().equals(rewrite.replacedObjectKey())
              || file.expiredAt != null
              || (rewrite.rewrite().isEmpty()
                  && file.removedSequence != null
                  && file.removedSequence <= file.addedSequence)) {
            throw new ConflictException(
                "file "
                    + rewrite.fileId()
                    + " no longer has object "
                    + rewrite.replacedObjectKey());
          }
          if (rewrite.rewrite().isPresent()) {
            file.file = rewrite.rewrite().get();
            file.schemaVersion = rewrite.schemaVersion();
          } else {
            NewDataFile emptied = file.file;
            file.file =
                new NewDataFile(
                    emptied.objectKey(),
                    0,
                    emptied.byteSize(),
                    emptied.contentHash(),
                    emptied.keyMin(),
                    emptied.keyMax(),
                    emptied.eventTimeMin(),
                    emptied.eventTimeMax());
            file.removedSequence = file.addedSequence;
            file.replacedAt = clock.instant();
          }
          return null;
        });
  }

  @Override
  public synchronized Optional<DataFile> dataFile(String groupName, UUID fileId) {
    return Optional.ofNullable(group(groupName).files.get(fileId)).map(StoredFile::dataFile);
  }

  @Override
  public synchronized long oldestReadableSequence(String groupName) {
    // An expired file was visible up to removed_sequence - 1, and files expire in the order of
    // their replacement, so every version from the latest expired replacement on is readable.
    long oldest = 0;
    for (StoredFile file : group(groupName).files.values()) {
      if (file.expiredAt != null && file.removedSequence > file.addedSequence) {
        oldest = Math.max(oldest, file.removedSequence);
      }
    }
    return oldest;
  }

  @Override
  public synchronized List<DataFile> replacedFilesToExpire(Instant replacedBefore) {
    List<StoredFile> due = new ArrayList<>();
    for (GroupState group : groups.values()) {
      for (StoredFile file : group.files.values()) {
        if (file.replacedAt != null
            && !file.replacedAt.isAfter(replacedBefore)
            && file.expiredAt == null) {
          due.add(file);
        }
      }
    }
    due.sort(
        Comparator.comparing((StoredFile file) -> file.replacedAt)
            .thenComparing(file -> file.file.objectKey()));
    return due.stream().map(StoredFile::dataFile).toList();
  }

  @Override
  public synchronized boolean expire(UUID fileId) {
    return change(
        () -> {
          for (GroupState group : groups.values()) {
            StoredFile file = group.files.get(fileId);
            if (file != null) {
              if (file.replacedAt == null || file.expiredAt != null) {
                return false;
              }
              file.expiredAt = clock.instant();
              return true;
            }
          }
          return false;
        });
  }

  @Override
  public synchronized boolean referencesObject(String objectKey) {
    return unexpiredFiles().anyMatch(file -> file.file.objectKey().equals(objectKey));
  }

  @Override
  public synchronized Set<String> referencedContents(Collection<String> contentHashes) {
    Set<String> wanted = Set.copyOf(contentHashes);
    Set<String> referenced = new HashSet<>();
    unexpiredFiles()
        .filter(file -> wanted.contains(file.file.contentHash()))
        .forEach(file -> referenced.add(file.file.contentHash()));
    return referenced;
  }

  private Stream<StoredFile> unexpiredFiles() {
    return Stream.concat(groups.values().stream(), deleted.values().stream())
        .flatMap(group -> group.files.values().stream())
        .filter(file -> file.expiredAt == null);
  }

  /** Applies the outcome a test chose for this change, if any. */
  private <T> T change(Supplier<T> change) {
    if (nextFailureBefore != null) {
      RuntimeException failure = nextFailureBefore;
      nextFailureBefore = null;
      throw failure;
    }
    T result = change.get();
    if (nextFailureAfter != null) {
      RuntimeException failure = nextFailureAfter;
      nextFailureAfter = null;
      throw failure;
    }
    return result;
  }

  /** An object is committed once: its key names one file (the table's unique key). */
  private void requireUncommitted(List<NewDataFile> files) {
    Set<String> keys = new HashSet<>();
    groups.values().forEach(group -> group.files.values().forEach(f -> keys.add(f.objectKey())));
    for (NewDataFile file : files) {
      if (!keys.add(file.objectKey())) {
        throw new ConflictException("object '" + file.objectKey() + "' is already committed");
      }
    }
  }

  /** Now, truncated to microseconds, but always after the group's previous write time. */
  private Instant nextWriteTime(GroupState group) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (group.commits.isEmpty()) {
      return now;
    }
    Instant previous = group.commits.get(group.commits.size() - 1).writeTime;
    return now.isAfter(previous) ? now : previous.plus(1, ChronoUnit.MICROS);
  }

  /** A group that is not being deleted. */
  private GroupState keptGroup(String name) {
    GroupState group = group(name);
    if (group.deletionId != null) {
      throw new ConflictException("feature group '" + name + "' is being deleted");
    }
    return group;
  }

  /** A group that takes commits: neither archived nor being deleted. */
  private GroupState writableGroup(String name) {
    GroupState group = keptGroup(name);
    if (group.archivedAt != null) {
      throw new ArchivedGroupException(name);
    }
    return group;
  }

  private GroupState group(String name) {
    GroupState group = groups.get(name);
    if (group == null) {
      throw new NotFoundException("feature group '" + name + "' not found");
    }
    return group;
  }

  private record StoredCommit(
      UUID id,
      long sequence,
      Instant writeTime,
      CommitKind kind,
      int schemaVersion,
      long rows,
      String idempotencyKey,
      String requestHash,
      long droppedErasedRows) {}

  private static final class StoredFile {
    final UUID id = UUID.randomUUID();
    // An erasure rewrites a file in place: same id and versions, new object.
    NewDataFile file;
    final long addedSequence;
    int schemaVersion;
    final long minCommitSequence;
    final long maxCommitSequence;
    Long removedSequence;
    Instant replacedAt;
    Instant expiredAt;

    StoredFile(
        NewDataFile file,
        long addedSequence,
        int schemaVersion,
        long minCommitSequence,
        long maxCommitSequence) {
      this.file = file;
      this.addedSequence = addedSequence;
      this.schemaVersion = schemaVersion;
      this.minCommitSequence = minCommitSequence;
      this.maxCommitSequence = maxCommitSequence;
    }

    String objectKey() {
      return file.objectKey();
    }

    DataFile dataFile() {
      return file.committed(
          id,
          addedSequence,
          Optional.ofNullable(removedSequence),
          schemaVersion,
          minCommitSequence,
          maxCommitSequence);
    }
  }

  private static final class GroupState {
    FeatureGroup definition;
    Instant archivedAt;
    UUID deletionId;
    final List<StoredCommit> commits = new ArrayList<>();
    final Map<UUID, StoredFile> files = new LinkedHashMap<>();

    GroupState(FeatureGroup definition) {
      this.definition = definition;
    }

    long latestSequence() {
      return commits.size();
    }

    StoredCommit addCommit(
        CommitKind kind,
        int schemaVersion,
        long rows,
        Instant writeTime,
        String idempotencyKey,
        String requestHash) {
      return addCommit(kind, schemaVersion, rows, writeTime, idempotencyKey, requestHash, 0);
    }

    StoredCommit addCommit(
        CommitKind kind,
        int schemaVersion,
        long rows,
        Instant writeTime,
        String idempotencyKey,
        String requestHash,
        long droppedErasedRows) {
      StoredCommit commit =
          new StoredCommit(
              UUID.randomUUID(),
              latestSequence() + 1,
              writeTime,
              kind,
              schemaVersion,
              rows,
              idempotencyKey,
              requestHash,
              droppedErasedRows);
      commits.add(commit);
      return commit;
    }

    void addFile(
        NewDataFile file,
        long sequence,
        int schemaVersion,
        long minCommitSequence,
        long maxCommitSequence) {
      StoredFile stored =
          new StoredFile(file, sequence, schemaVersion, minCommitSequence, maxCommitSequence);
      files.put(stored.id, stored);
    }

    Optional<StoredCommit> byIdempotencyKey(String idempotencyKey) {
      return commits.stream()
          .filter(commit -> idempotencyKey.equals(commit.idempotencyKey()))
          .findFirst();
    }

    /** Files oldest first, as the catalog orders them: by adding sequence, then object key. */
    List<DataFile> dataFiles(Predicate<StoredFile> wanted) {
      return files.values().stream()
          .filter(wanted)
          .sorted(
              Comparator.comparingLong((StoredFile file) -> file.addedSequence)
                  .thenComparing(StoredFile::objectKey))
          .map(StoredFile::dataFile)
          .toList();
    }

    Commit commit(StoredCommit commit) {
      List<UUID> fileIds =
          files.values().stream()
              .filter(file -> file.addedSequence == commit.sequence())
              .sorted(Comparator.comparing(StoredFile::objectKey))
              .map(file -> file.id)
              .toList();
      return new Commit(
          commit.id(),
          definition.name(),
          commit.sequence(),
          commit.writeTime(),
          commit.kind(),
          commit.schemaVersion(),
          commit.rows(),
          fileIds,
          commit.droppedErasedRows());
    }
  }
}
