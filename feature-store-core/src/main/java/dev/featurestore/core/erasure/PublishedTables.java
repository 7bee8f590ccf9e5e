package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * The tables over our objects that engines outside the server read (Iceberg's, served at {@code
 * /iceberg}). Their older snapshots name the objects an erasure replaced, and their manifests keep
 * those objects' column bounds, which may be an erased key. So an erasure, once it has replaced the
 * objects, expires every snapshot that still names one, through this port, and its receipt counts
 * them.
 */
public interface PublishedTables {
  /** No table is published: nothing to expire. */
  PublishedTables NONE =
      new PublishedTables() {
        @Override
        public Optional<ExpiredSnapshots> expireSnapshotsOfGroup(String featureGroup) {
          return Optional.empty();
        }

        @Override
        public Optional<ExpiredSnapshots> expireSnapshotsOfTrainingSet(UUID trainingSet) {
          return Optional.empty();
        }
      };

  /**
   * Brings the group's table, if one was ever published, up to date with the catalog, and expires
   * every snapshot that names an object the catalog no longer has; empty when it has no table.
   */
  Optional<ExpiredSnapshots> expireSnapshotsOfGroup(String featureGroup);

  /** The same for a training set's output table. */
  Optional<ExpiredSnapshots> expireSnapshotsOfTrainingSet(UUID trainingSet);

  /**
   * The snapshots of {@code table} (as outside engines name it) that readers could time-travel to
   * and that were expired; the snapshots made and expired in the same catch-up are not counted,
   * since no reader ever saw them.
   */
  record ExpiredSnapshots(String table, long snapshots) {
    public ExpiredSnapshots {
      requireNonNull(table, "table is null");
      if (snapshots < 0) {
        throw new IllegalArgumentException("snapshots must not be negative");
      }
    }
  }
}
