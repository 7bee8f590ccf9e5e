package dev.featurestore.core.catalog;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.MaxAge;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The catalog of entities, feature groups, commits and files. Implementations make each commit
 * atomic: either every file of a commit becomes visible with one sequence number and write time, or
 * none does.
 *
 * <p>Every change of state has three outcomes: it returns (committed); it throws another exception
 * (failed: nothing is visible, so objects written for it may be deleted); or it throws {@link
 * CommitStateUnknownException} (unknown: the connection broke during COMMIT, so nothing written for
 * it may be deleted; the orphan janitor reclaims what no row references after its grace period).
 */
public interface Catalog {
  /** Fails with {@link dev.featurestore.core.ConflictException} when the name is taken. */
  Entity createEntity(Entity entity);

  Optional<Entity> entity(String name);

  List<Entity> entities();

  /**
   * Stores the entity's description, owner and tags (its key type never changes); fails with not
   * found when the entity is unknown.
   */
  Entity describeEntity(Entity described);

  /** Fails with a conflict when the name is taken, not found when the entity is unknown. */
  FeatureGroup createFeatureGroup(FeatureGroup group);

  /** The group at its current schema version. */
  Optional<FeatureGroup> featureGroup(String name);

  List<FeatureGroup> featureGroups();

  /** Every group's latest sequence, schema version and online flag, in one cheap read. */
  List<GroupVersion> groupVersions();

  /** Schema evolution: a new schema version with the features appended (all nullable). */
  FeatureGroup addFeatures(String groupName, List<FeatureDefinition> features);

  /**
   * Stores the group's description, owner, tags and feature descriptions; fails with a conflict
   * when {@code described} is not at the group's current schema version (features were added
   * meanwhile), with not found when the group is unknown.
   */
  FeatureGroup describeFeatureGroup(FeatureGroup described);

  /**
   * Keeps the group's rows for {@code maxAge} after their event time ({@link MaxAge#FOREVER}: for
   * ever); the retention by age removes older ones. Fails with not found when the group is unknown.
   */
  FeatureGroup retainFor(String groupName, MaxAge maxAge);

  /** Marks the group online (served by the online indexes) or not; its data is unchanged. */
  FeatureGroup markOnline(String groupName, boolean online);

  /** Sets what the group's commits do with rows whose key was erased. */
  FeatureGroup setErasedKeyPolicy(String groupName, ErasedKeyPolicy policy);

  /**
   * Archives the group: it stays readable (versions, training sets, lineage, online lookups), but
   * {@link #commit} and {@link #compact} fail with {@link ArchivedGroupException} until it is
   * unarchived. Archiving an archived group changes nothing.
   */
  void archive(String groupName);

  /** Takes commits again; unarchiving a group that is not archived changes nothing. */
  void unarchive(String groupName);

  /** The archived groups, each with when it was archived. */
  Map<String, Instant> archivedGroups();

  /**
   * Holds the group for its deletion {@code deletionId}: from then on it takes no commits,
   * compactions or changes of its definition, is no longer online, and {@link #featureGroups}
   * leaves it out ({@link #featureGroup} still finds it). Returns the deletion that holds the
   * group: {@code deletionId}, or the one that held it already.
   */
  UUID beginDeletion(String groupName, UUID deletionId);

  /** Whether the deletion's group has left the catalog. */
  boolean deletionCompleted(UUID deletionId);

  /**
   * Ends the deletion: its group leaves the catalog (its name may be given to a new group) and no
   * file of it references an object any more. Repeating it changes nothing.
   */
  void completeDeletion(UUID deletionId);

  /** Makes the append's files visible; an idempotent retry returns the original commit. */
  Commit commit(PendingAppend append);

  /**
   * Replaces files by their rewrite in a {@link CommitKind#COMPACTION} commit; fails with a
   * conflict when a replaced file was already replaced (a concurrent compaction won).
   */
  Commit compact(PendingCompaction compaction);

  /** The commit an idempotency key produced, if any. */
  Optional<Commit> commitByIdempotencyKey(String groupName, String idempotencyKey);

  /** A commit by its id, whatever its group. */
  Optional<Commit> findCommit(java.util.UUID commitId);

  /** Commits of a group, oldest first. */
  default List<Commit> commits(String groupName) {
    return commitsAfter(groupName, 0);
  }

  /** Commits of a group with a sequence above {@code sequence}, oldest first. */
  default List<Commit> commitsAfter(String groupName, long sequence) {
    return commitsBetween(groupName, sequence, Long.MAX_VALUE);
  }

  /**
   * Commits of a group with a sequence above {@code afterSequence} and at most {@code
   * throughSequence}, oldest first. A group's sequences count up from 1 without gaps.
   */
  List<Commit> commitsBetween(String groupName, long afterSequence, long throughSequence);

  /** How many files of the group's latest version are smaller than {@code bytes}. */
  long liveFilesSmallerThan(String groupName, long bytes);

  /** The latest commit sequence of the group (0 before its first commit). */
  long latestSequence(String groupName);

  /** The sequence of the latest commit written at or before {@code writeTime} (0 if none). */
  long sequenceAt(String groupName, Instant writeTime);

  /** Files visible to a reader bound to {@code sequence}. */
  List<DataFile> dataFiles(String groupName, long sequence);

  /** Every file of the group that any retained version can read, oldest first. */
  List<DataFile> retainedDataFiles(String groupName);

  /**
   * Records, once per erasure (a retry returns the first), that an erasure rewrote the group's
   * files: an {@link CommitKind#ERASURE} commit with no files of its own, whose row count is the
   * number of rows removed. Readers that keep derived state (online indexes) rebuild on seeing it.
   */
  Commit recordErasure(
      String groupName, java.util.UUID erasureId, long rowsRemoved, String principal);

  /**
   * Commits an erasure's rewrite of one file in place (no new commit: every version that sees the
   * file reads the rewrite). Fails with a {@link dev.featurestore.core.ConflictException}, changing
   * nothing, when the file no longer has the replaced object (another erasure rewrote it first) or
   * has expired.
   */
  void rewriteFile(PendingFileRewrite rewrite);

  /** A file of the group by its id, whatever versions see it, unless it expired. */
  Optional<DataFile> dataFile(String groupName, java.util.UUID fileId);

  /**
   * The oldest version of the group that can still be read: every version from it on reads only
   * stored files, versions below it read a file the retention of replaced files has expired (0 when
   * none has expired).
   */
  long oldestReadableSequence(String groupName);

  /**
   * Files of every group that a compaction replaced, or an erasure emptied, at or before {@code
   * replacedBefore} and that have not expired yet, oldest replacement first.
   */
  List<DataFile> replacedFilesToExpire(Instant replacedBefore);

  /**
   * Marks a replaced file expired, from which on no version that reads it can be bound, and the
   * catalog no longer references its object. False when it was already expired.
   */
  boolean expire(java.util.UUID fileId);

  /**
   * Every object key the catalog references (live, retained or not yet expired), for the orphan
   * janitor.
   */
  boolean referencesObject(String objectKey);

  /**
   * Those of {@code contentHashes} that an unexpired data file or a training-set output still has,
   * for local caches of objects: a copy whose content nothing references any more (erased or
   * expired) must go.
   */
  Set<String> referencedContents(Collection<String> contentHashes);
}
