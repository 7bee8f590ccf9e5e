package dev.featurestore.storage.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.testing.TestingPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The bitmap index answers exactly what a plain scan of the recorded key sets answers. */
class LineageIndexIT {
  /** Few distinct keys, so that sets overlap; each lookup opens a connection (no pool here). */
  private static final int KEYS = 100;

  @Test
  void indexAgreesWithAScanOfEveryTrainingSetsKeys() throws Exception {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO entities (name, key_type) VALUES ('user_id', 'STRING')")) {
      insert.executeUpdate();
    }
    Random random = new Random(42);
    LineageIndex index = new LineageIndex(dataSource);
    Map<UUID, Map<KeyUse, Set<String>>> recorded = new HashMap<>();
    List<UUID> trainingSets = new ArrayList<>();
    for (int set = 0; set < 20; set++) {
      UUID id = insertTrainingSet(dataSource);
      trainingSets.add(id);
      Map<KeyUse, Set<String>> uses = new EnumMap<>(KeyUse.class);
      for (KeyUse use : KeyUse.values()) {
        Set<String> keys = new HashSet<>();
        int count = random.nextInt(60);
        for (int i = 0; i < count; i++) {
          keys.add("u" + random.nextInt(KEYS));
        }
        uses.put(use, keys);
      }
      recorded.put(id, uses);
      index.record(id, "user_id", uses);
      if (set == 10) {
        // Half the sets are recorded after the first query loaded the bitmaps.
        index.trainingSetsUsing("user_id", "u1");
      }
    }
    for (LineageIndex fresh : List.of(index, new LineageIndex(dataSource))) {
      for (int key = 0; key < KEYS; key++) {
        String name = "u" + key;
        Map<UUID, Set<KeyUse>> expected = new HashMap<>();
        for (UUID id : trainingSets) {
          for (KeyUse use : KeyUse.values()) {
            if (recorded.get(id).get(use).contains(name)) {
              expected.computeIfAbsent(id, k -> EnumSet.noneOf(KeyUse.class)).add(use);
            }
          }
        }
        assertThat(fresh.trainingSetsUsing("user_id", name)).as(name).isEqualTo(expected);
      }
    }
  }

  private static UUID insertTrainingSet(DataSource dataSource) throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO training_sets (id, name, status, request, catalog_version)"
                    + " VALUES (?, 't', 'READY', '{}', '{}')")) {
      insert.setObject(1, id);
      insert.executeUpdate();
    }
    return id;
  }
}
