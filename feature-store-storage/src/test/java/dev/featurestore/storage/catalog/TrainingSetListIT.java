package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetListQuery.Position;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.TrainingSetSummary;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The catalog pages training sets itself: filters and the newest-first position are SQL, so a page
 * reads at most its own rows, and paging through visits every set once in the order a cursor
 * compares positions.
 */
class TrainingSetListIT {
  private static final Instant SAME_MICROSECOND = Instant.parse("2026-12-01T10:00:00.000001Z");

  private DataSource catalog;
  private JdbcTrainingSetCatalog trainingSets;
  private UUID alice;
  private UUID bob;

  @BeforeEach
  void catalogWithKeys() throws SQLException {
    catalog = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(catalog, TestKeyDigests.DIGESTS);
    trainingSets = new JdbcTrainingSetCatalog(catalog, new ReplicaLease("r", Duration.ofHours(1)));
    alice = apiKey("alice");
    bob = apiKey("bob");
  }

  @Test
  void pagesVisitEverySetOnceNewestFirstEvenWhenCreatedInTheSameMicrosecond() throws SQLException {
    List<UUID> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(create("churn", i % 2 == 0 ? alice : bob));
    }
    createdAt(created.subList(2, 6), SAME_MICROSECOND);

    List<TrainingSetSummary> paged = new ArrayList<>();
    Optional<Position> after = Optional.empty();
    List<TrainingSetSummary> page;
    do {
      page = trainingSets.list(query(Optional.empty(), Optional.empty(), after, 2));
      assertThat(page.size()).isLessThanOrEqualTo(2);
      paged.addAll(page);
      after = page.isEmpty() ? after : Optional.of(page.getLast().position());
    } while (!page.isEmpty());

    assertThat(paged)
        .extracting(TrainingSetSummary::id)
        .containsExactlyInAnyOrderElementsOf(created);
    List<TrainingSetSummary> inCursorOrder = new ArrayList<>(paged);
    inCursorOrder.sort(
        Comparator.comparing(
            TrainingSetSummary::position,
            (left, right) -> left.equals(right) ? 0 : left.isBefore(right) ? -1 : 1));
    assertThat(paged).as("SQL order is the cursor's order").isEqualTo(inCursorOrder);
  }

  @Test
  void filtersByNameStatusAndOwnerInTheCatalog() {
    UUID aliceChurn = create("churn", alice);
    UUID bobChurn = create("churn", bob);
    UUID aliceFraud = create("fraud", alice);
    trainingSets.fail(aliceFraud, "broken");

    assertThat(ids(query(Optional.of("churn"), Optional.empty(), Optional.empty(), 10)))
        .containsExactly(bobChurn, aliceChurn);
    assertThat(ids(query(Optional.empty(), Optional.of(alice), Optional.empty(), 10)))
        .containsExactly(aliceFraud, aliceChurn);
    assertThat(
            ids(
                new TrainingSetListQuery(
                    Optional.empty(),
                    Optional.of(TrainingSetStatus.FAILED),
                    Optional.empty(),
                    Optional.empty(),
                    10)))
        .containsExactly(aliceFraud);
    assertThat(ids(query(Optional.empty(), Optional.empty(), Optional.empty(), 1)))
        .as("limit")
        .containsExactly(aliceFraud);
  }

  private List<UUID> ids(TrainingSetListQuery query) {
    return trainingSets.list(query).stream().map(TrainingSetSummary::id).toList();
  }

  private static TrainingSetListQuery query(
      Optional<String> name, Optional<UUID> owner, Optional<Position> after, int limit) {
    return new TrainingSetListQuery(name, Optional.empty(), owner, after, limit);
  }

  private UUID create(String name, UUID owner) {
    UUID id = UUID.randomUUID();
    trainingSets.create(id, name, "{}", Map.of(), owner);
    return id;
  }

  private void createdAt(List<UUID> ids, Instant instant) throws SQLException {
    try (Connection connection = catalog.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE training_sets SET created_at = ? WHERE id = ANY(?)")) {
      update.setTimestamp(1, Timestamp.from(instant));
      update.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
      assertThat(update.executeUpdate()).isEqualTo(ids.size());
    }
  }

  private UUID apiKey(String name) throws SQLException {
    UUID id = UUID.randomUUID();
    try (Connection connection = catalog.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO api_keys (id, name, role, key_hash) VALUES (?, ?, 'DATA_SCIENTIST', ?)")) {
      insert.setObject(1, id);
      insert.setString(2, name);
      insert.setString(3, id.toString());
      insert.executeUpdate();
    }
    return id;
  }
}
