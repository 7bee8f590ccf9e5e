package dev.featurestore.storage.lineage;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
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
 */
public final class LineageIndex {
  private static final int KEY_BATCH = 10_000;

  private final DataSource dataSource;

  /** Per entity, the bitmaps of every training set; loaded on first use, appended on record. */
  private final Map<String, List<TrainingSetKeys>> bitmapsByEntity = new ConcurrentHashMap<>();

  public LineageIndex(DataSource dataSource) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
  }

  private record TrainingSetKeys(UUID trainingSet, KeyUse use, RoaringBitmap keyIds) {}

  /** Records the keys a training set used, one call per entity and use. */
  public void record(UUID trainingSet, String entity, KeyUse use, Collection<String> keys) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      RoaringBitmap keyIds = new RoaringBitmap();
      for (int id : assignIds(connection, entity, keys)) {
        keyIds.add(id);
      }
      keyIds.runOptimize();
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO training_set_keys (training_set_id, entity_name, used_as, key_count,"
                  + " key_ids) VALUES (?, ?, ?, ?, ?)")) {
        insert.setObject(1, trainingSet);
        insert.setString(2, entity);
        insert.setString(3, use.name());
        insert.setLong(4, keyIds.getLongCardinality());
        insert.setBytes(5, serialize(keyIds));
        insert.executeUpdate();
      }
      connection.commit();
      List<TrainingSetKeys> loaded = bitmapsByEntity.get(entity);
      if (loaded != null) {
        synchronized (loaded) {
          loaded.add(new TrainingSetKeys(trainingSet, use, keyIds));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record lineage of training set " + trainingSet, e);
    }
  }

  /**
   * The training sets that used {@code key} of {@code entity}, and how; an erased key is found by
   * its digest.
   */
  public Map<UUID, Set<KeyUse>> trainingSetsUsing(String entity, String key) {
    List<Integer> keyIds = keyIds(entity, key);
    Map<UUID, Set<KeyUse>> uses = new LinkedHashMap<>();
    if (keyIds.isEmpty()) {
      return uses;
    }
    List<TrainingSetKeys> bitmaps = bitmapsByEntity.computeIfAbsent(entity, this::load);
    synchronized (bitmaps) {
      for (TrainingSetKeys keys : bitmaps) {
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

  /**
   * The digest by which the catalog remembers an erased key: enough to recognise the key when a
   * caller names it, not to recover it.
   */
  public static String keyDigest(String entity, String key) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(entity.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
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
      select.setString(3, keyDigest(entity, key));
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

  /** Ids of the keys, creating ids for keys seen for the first time. */
  private static List<Integer> assignIds(
      Connection connection, String entity, Collection<String> keys) throws SQLException {
    List<Integer> ids = new ArrayList<>(keys.size());
    Iterator<String> remaining = keys.iterator();
    while (remaining.hasNext()) {
      List<String> batch = new ArrayList<>(KEY_BATCH);
      while (remaining.hasNext() && batch.size() < KEY_BATCH) {
        batch.add(remaining.next());
      }
      String[] values = batch.toArray(String[]::new);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO entity_keys (entity_name, key_value) SELECT ?, unnest(?::text[])"
                  + " ON CONFLICT (entity_name, key_value) DO NOTHING")) {
        insert.setString(1, entity);
        insert.setArray(2, connection.createArrayOf("text", values));
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT id FROM entity_keys WHERE entity_name = ? AND key_value = ANY(?::text[])")) {
        select.setString(1, entity);
        select.setArray(2, connection.createArrayOf("text", values));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            ids.add(Math.toIntExact(rows.getLong(1)));
          }
        }
      }
    }
    return ids;
  }

  private List<TrainingSetKeys> load(String entity) {
    List<TrainingSetKeys> loaded = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT training_set_id, used_as, key_ids FROM training_set_keys"
                    + " WHERE entity_name = ?")) {
      select.setString(1, entity);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          loaded.add(
              new TrainingSetKeys(
                  rows.getObject(1, UUID.class),
                  KeyUse.valueOf(rows.getString(2)),
                  deserialize(rows.getBytes(3))));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot load lineage of entity " + entity, e);
    }
    return loaded;
  }

  /** Forgets the loaded bitmaps of an entity (after an erasure changed them). */
  public void invalidate(String entity) {
    bitmapsByEntity.remove(entity);
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
