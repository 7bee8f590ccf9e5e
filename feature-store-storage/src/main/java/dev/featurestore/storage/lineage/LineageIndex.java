package dev.featurestore.storage.lineage;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.storage.catalog.Transactions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.roaringbitmap.RoaringBitmap;

/**
 * Key-level lineage: which training sets used which keys. Keys get dense integer ids per entity
 * ({@code entity_keys}); each training set stores, per entity and use, one compressed bitmap of the
 * key ids it used ({@code training_set_keys}), so the catalog grows by bits per key rather than a
 * row per (key, training set). Lookups test a key id against every bitmap of the entity, held in
 * memory once loaded: a few microseconds per training set.
 *
 * <p>Several replicas record into one catalog, so the bitmaps held here are brought up to date
 * before every answer: one indexed query reads the rows recorded after the highest {@code
 * recorded_id} held (usually none). Recordings of one entity commit in id order (see {@link
 * #record}), so that watermark never passes a row still to commit.
 */
public final class LineageIndex implements LineageStore {
  /** Ids come from a sequence starting at 1. */
  private static final int UNKNOWN = 0;

  /**
   * The first key of the advisory locks that order recordings per entity (the second is a hash of
   * the entity's name); no other part of the catalog takes advisory locks.
   */
  private static final int RECORDING_LOCK = 0x4c494e45;

  private final DataSource dataSource;
  private final KeyDigests digests;
  private final Transactions transactions;

  /** Per entity, the bitmaps of every training set recorded up to a watermark. */
  private final Map<String, EntityBitmaps> bitmapsByEntity = new ConcurrentHashMap<>();

  public LineageIndex(DataSource dataSource, KeyDigests digests) {
    this.digests = requireNonNull(digests, "digests is null");
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    this.transactions = new Transactions(dataSource);
  }

  private record TrainingSetKeys(UUID trainingSet, KeyUse use, RoaringBitmap keyIds) {}

  /** The bitmaps of one entity read so far, and the highest {@code recorded_id} among them. */
  private static final class EntityBitmaps {
    private final List<TrainingSetKeys> bitmaps = new ArrayList<>();
    private long recordedUpTo;
  }

  /**
   * Records the keys a training set used of one entity, per use, in one transaction. Key ids are
   * assigned once for the keys of every use together: the feature keys are spine keys too.
   */
  @Override
  public void record(UUID trainingSet, String entity, Map<KeyUse, Set<String>> keysByUse) {
    Set<String> distinct = new HashSet<>();
    keysByUse.values().forEach(distinct::addAll);
    String[] keys = distinct.toArray(String[]::new);
    transactions.inTransaction(
        connection -> {
          int[] ids = assignIds(connection, entity, keys);
          // Held until commit: a later recording of the entity draws higher recorded_ids and
          // commits after this one.
          try (PreparedStatement lock =
              connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            Transactions.bind(lock, RECORDING_LOCK, entity);
            lock.execute();
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO training_set_keys (training_set_id, entity_name, used_as,"
                      + " key_count, key_ids) VALUES (?, ?, ?, ?, ?)")) {
            for (Map.Entry<KeyUse, Set<String>> use : keysByUse.entrySet()) {
              RoaringBitmap keyIds = new RoaringBitmap();
              for (int i = 0; i < keys.length; i++) {
                if (use.getValue().contains(keys[i])) {
                  keyIds.add(ids[i]);
                }
              }
              keyIds.runOptimize();
              insert.setObject(1, trainingSet);
              insert.setString(2, entity);
              insert.setString(3, use.getKey().name());
              insert.setLong(4, keyIds.getLongCardinality());
              insert.setBytes(5, serialize(keyIds));
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
  }

  /**
   * The training sets that used {@code key} of {@code entity}, and how; an erased key is found by
   * its digest.
   */
  @Override
  public Map<UUID, Set<KeyUse>> trainingSetsUsing(String entity, String key) {
    List<Integer> keyIds = keyIds(entity, key);
    Map<UUID, Set<KeyUse>> uses = new LinkedHashMap<>();
    if (keyIds.isEmpty()) {
      return uses;
    }
    EntityBitmaps known = bitmapsByEntity.computeIfAbsent(entity, name -> new EntityBitmaps());
    synchronized (known) {
      readRecordedSince(entity, known);
      for (TrainingSetKeys keys : known.bitmaps) {
        for (int keyId : keyIds) {
          if (keys.keyIds().contains(keyId)) {
            uses.computeIfAbsent(keys.trainingSet(), id -> EnumSet.noneOf(KeyUse.class))
                .add(keys.use());
          }
        }
      }
    }
    return uses;
  }

  @Override
  public void forget(String entity, Collection<String> keys) {
    transactions.inTransaction(
        connection -> {
          KeyDigests.Digester digester = digests.digester();
          try (PreparedStatement forget =
              connection.prepareStatement(
                  "UPDATE entity_keys SET key_value = 'erased:' || id, erased_digest = ?"
                      + " WHERE entity_name = ? AND key_value = ?")) {
            for (String key : keys) {
              Transactions.bind(forget, digester.digest(entity, key), entity, key);
              forget.addBatch();
            }
            forget.executeBatch();
          }
          return null;
        });
  }

  /** Bytes the catalog spends on a training set's key bitmaps (for the lineage benchmark). */
  public long storedBytes(UUID trainingSet) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT coalesce(sum(octet_length(key_ids)), 0) FROM training_set_keys"
                    + " WHERE training_set_id = ?")) {
      select.setObject(1, trainingSet);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read lineage size", e);
    }
  }

  /** The key's id, and the ids it had before erasures, if the key was used again since. */
  private List<Integer> keyIds(String entity, String key) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id FROM entity_keys WHERE entity_name = ?"
                    + " AND (key_value = ? OR erased_digest = ?)")) {
      select.setString(1, entity);
      select.setString(2, key);
      select.setString(3, digests.digest(entity, key));
      List<Integer> ids = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(Math.toIntExact(rows.getLong(1)));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot look up key id", e);
    }
  }

  /**
   * The id of each key, in the order given, creating ids for keys seen for the first time. Known
   * keys, the usual case, cost one statement over the whole array (the planner hash-joins rather
   * than probing key by key). Only keys found missing are inserted: {@code ON CONFLICT DO NOTHING}
   * over every key would draw a sequence value for each known key too, exhausting the 32-bit id
   * space after a few billion recorded keys.
   */
  private static int[] assignIds(Connection connection, String entity, String[] keys)
      throws SQLException {
    int[] ids = knownIds(connection, entity, keys);
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == UNKNOWN) {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      return ids;
    }
    String[] newKeys = missing.stream().map(i -> keys[i]).toArray(String[]::new);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO entity_keys (entity_name, key_value) SELECT ?, unnest(?::text[])"
                + " ON CONFLICT (entity_name, key_value) DO NOTHING")) {
      insert.setString(1, entity);
      insert.setArray(2, connection.createArrayOf("text", newKeys));
      insert.executeUpdate();
    }
    int[] newIds = knownIds(connection, entity, newKeys);
    for (int i = 0; i < newIds.length; i++) {
      if (newIds[i] == UNKNOWN) {
        throw new IllegalStateException("no id for a key of entity " + entity + " after insert");
      }
      ids[missing.get(i)] = newIds[i];
    }
    return ids;
  }

  /** The id of each key, in the order given, or {@link #UNKNOWN}. */
  private static int[] knownIds(Connection connection, String entity, String[] keys)
      throws SQLException {
    int[] ids = new int[keys.length];
    Arrays.fill(ids, UNKNOWN);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT k.position, e.id FROM unnest(?::text[]) WITH ORDINALITY AS k (key_value,"
                + " position) JOIN entity_keys e ON e.key_value = k.key_value"
                + " WHERE e.entity_name = ?")) {
      select.setArray(1, connection.createArrayOf("text", keys));
      select.setString(2, entity);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          ids[Math.toIntExact(rows.getLong(1) - 1)] = Math.toIntExact(rows.getLong(2));
        }
      }
    }
    return ids;
  }

  /**
   * Adds the entity's bitmaps recorded (through any replica) after those {@code known} holds: all
   * of them the first time.
   */
  private void readRecordedSince(String entity, EntityBitmaps known) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT training_set_id, used_as, key_ids, recorded_id FROM training_set_keys"
                    + " WHERE entity_name = ? AND recorded_id > ? ORDER BY recorded_id")) {
      select.setString(1, entity);
      select.setLong(2, known.recordedUpTo);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          known.bitmaps.add(
              new TrainingSetKeys(
                  rows.getObject(1, UUID.class),
                  KeyUse.valueOf(rows.getString(2)),
                  deserialize(rows.getBytes(3))));
          known.recordedUpTo = rows.getLong(4);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load lineage of entity " + entity, e);
    }
  }

  private static byte[] serialize(RoaringBitmap bitmap) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(bitmap.serializedSizeInBytes());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      bitmap.serialize(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static RoaringBitmap deserialize(byte[] bytes) {
    RoaringBitmap bitmap = new RoaringBitmap();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      bitmap.deserialize(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bitmap;
  }
}
