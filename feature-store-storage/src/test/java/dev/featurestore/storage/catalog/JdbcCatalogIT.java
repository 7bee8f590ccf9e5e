package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.GroupVersion;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcCatalogIT {
  private DataSource dataSource;
  private JdbcCatalog catalog;
  private Entity user;

  @BeforeEach
  void freshCatalog() {
    dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    catalog = new JdbcCatalog(dataSource);
    user = catalog.createEntity(new Entity("user_id", KeyType.STRING, "a user"));
  }

  @Test
  void migrationsReapplyAsNoOp() {
    MigrateResult again = CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    assertThat(again.migrationsExecuted).isZero();
  }

  @Test
  void rejectsDuplicateEntity() {
    assertThatThrownBy(() -> catalog.createEntity(new Entity("user_id", KeyType.INT64, "")))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void featureGroupNeedsAKnownEntity() {
    Entity unknown = new Entity("product_id", KeyType.INT64, "");
    assertThatThrownBy(() -> catalog.createFeatureGroup(group("products", unknown)))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void schemaEvolutionAddsAVersion() {
    catalog.createFeatureGroup(group("user_activity", user));
    FeatureGroup evolved =
        catalog.addFeatures(
            "user_activity", List.of(FeatureDefinition.vector("review_embedding", 768)));
    assertThat(evolved.schemaVersion()).isEqualTo(2);
    assertThat(catalog.featureGroup("user_activity").orElseThrow().features())
        .extracting(FeatureDefinition::name)
        .containsExactly("clicks_7d", "review_embedding");
  }

  @Test
  void ownerTagsAndDescriptionsAreStoredAndEditable() {
    Entity customer =
        catalog.createEntity(
            new Entity("customer_id", KeyType.INT64, "a customer", "crm", List.of("pii", "crm")));
    assertThat(catalog.entity("customer_id").orElseThrow()).isEqualTo(customer);
    assertThat(customer.tags()).containsExactly("crm", "pii");
    Entity redescribed =
        catalog.describeEntity(customer.describedAs("a paying customer", "billing", List.of()));
    assertThat(catalog.entity("customer_id").orElseThrow()).isEqualTo(redescribed);
    assertThat(redescribed.owner()).isEqualTo("billing");
    assertThat(redescribed.tags()).isEmpty();

    FeatureGroup created =
        catalog.createFeatureGroup(
            new FeatureGroup(
                "user_activity",
                user,
                List.of(new FeatureDefinition("clicks_7d", FeatureType.INT64, 0, "clicks a week")),
                Duration.ZERO,
                false,
                "activity",
                1,
                "growth",
                List.of("web"),
                MaxAge.FOREVER,
                Classification.SENSITIVE,
                ErasedKeyPolicy.DROP));
    assertThat(catalog.featureGroup("user_activity").orElseThrow()).isEqualTo(created);
    FeatureGroup described =
        catalog.describeFeatureGroup(
            created.describedAs(
                "web activity", "analytics", List.of("web", "daily"), Map.of("clicks_7d", "")));
    assertThat(catalog.featureGroup("user_activity").orElseThrow()).isEqualTo(described);
    assertThat(described.tags()).containsExactly("daily", "web");
    assertThat(described.feature("clicks_7d").orElseThrow().description()).isEmpty();
    // Documentation survives schema evolution and the online flag.
    catalog.addFeatures("user_activity", List.of(FeatureDefinition.vector("embedding", 4)));
    FeatureGroup evolved = catalog.markOnline("user_activity", true);
    assertThat(evolved.owner()).isEqualTo("analytics");
    assertThat(evolved.tags()).containsExactly("daily", "web");
    assertThat(evolved.classification()).isEqualTo(Classification.SENSITIVE);
    assertThatThrownBy(() -> catalog.describeFeatureGroup(described))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void classificationsOfGroupsAndFeaturesAreKeptAndSurviveSchemaEvolution() {
    FeatureGroup created = catalog.createFeatureGroup(group("user_profile", user));
    assertThat(created.classification()).isEqualTo(Classification.INTERNAL);

    FeatureGroup classified =
        catalog.describeFeatureGroup(
            created.classifiedAs(
                Classification.PUBLIC,
                Map.of(created.features().getFirst().name(), Classification.PII)));
    FeatureGroup evolved =
        catalog.addFeatures("user_profile", List.of(FeatureDefinition.vector("embedding", 8)));

    assertThat(catalog.featureGroup("user_profile").orElseThrow()).isEqualTo(evolved);
    assertThat(evolved.classification()).isEqualTo(Classification.PUBLIC);
    assertThat(evolved.classificationOf(evolved.features().getFirst()))
        .isEqualTo(Classification.PII);
    assertThat(evolved.classificationOf(evolved.feature("embedding").orElseThrow()))
        .isEqualTo(Classification.PUBLIC);
    assertThat(classified.features().getFirst().classification()).contains(Classification.PII);
  }

  @Test
  void groupVersionsFollowCommitsEvolutionAndTheOnlineFlag() {
    catalog.createFeatureGroup(group("user_activity", user));
    catalog.createFeatureGroup(group("user_profile", user));
    catalog.commit(append("a", Optional.empty()));
    catalog.addFeatures("user_profile", List.of(FeatureDefinition.vector("embedding", 8)));
    catalog.markOnline("user_activity", false);

    assertThat(catalog.groupVersions())
        .containsExactly(
            new GroupVersion("user_activity", 1, 1, false),
            new GroupVersion("user_profile", 0, 2, true));
    assertThat(catalog.featureGroup("user_activity").orElseThrow().online()).isFalse();
  }

  @Test
  void commitsGetIncreasingSequencesAndWriteTimes() {
    catalog.createFeatureGroup(group("user_activity", user));
    Commit first = catalog.commit(append("a", Optional.empty()));
    Commit second = catalog.commit(append("b", Optional.empty()));
    assertThat(second.sequence()).isEqualTo(first.sequence() + 1);
    assertThat(second.writeTime()).isAfter(first.writeTime());
    assertThat(catalog.dataFiles("user_activity", first.sequence()))
        .extracting(DataFile::objectKey)
        .containsExactly("a");
    assertThat(catalog.dataFiles("user_activity", second.sequence()))
        .extracting(DataFile::objectKey)
        .containsExactly("a", "b");
    assertThat(catalog.sequenceAt("user_activity", first.writeTime())).isEqualTo(1);
    assertThat(catalog.commitsAfter("user_activity", 1)).containsExactly(second);
    assertThat(catalog.commitsAfter("user_activity", 0)).containsExactly(first, second);
    assertThat(catalog.sequenceAt("user_activity", Instant.EPOCH)).isZero();
  }

  @Test
  void idempotentRetryReturnsTheFirstCommit() {
    catalog.createFeatureGroup(group("user_activity", user));
    Commit first = catalog.commit(append("a", Optional.of("retry-1")));
    Commit retried = catalog.commit(append("a-again", Optional.of("retry-1")));
    assertThat(retried).isEqualTo(first);
    assertThat(catalog.commits("user_activity")).hasSize(1);
    assertThat(catalog.referencesObject("a-again")).isFalse();
  }

  @Test
  void concurrentCommitsAreAllPresentExactlyOnce() throws Exception {
    catalog.createFeatureGroup(group("user_activity", user));
    int commitsPerThread = 20;
    int threads = 4;
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<List<Commit>>> results = new ArrayList<>();
    for (int thread = 0; thread < threads; thread++) {
      int threadNumber = thread;
      results.add(
          executor.submit(
              () -> {
                List<Commit> acknowledged = new ArrayList<>();
                for (int i = 0; i < commitsPerThread; i++) {
                  acknowledged.add(
                      catalog.commit(append("t" + threadNumber + "-" + i, Optional.empty())));
                }
                return acknowledged;
              }));
    }
    List<Commit> acknowledged = new ArrayList<>();
    for (Future<List<Commit>> result : results) {
      acknowledged.addAll(result.get());
    }
    executor.shutdown();
    List<Commit> stored = catalog.commits("user_activity");
    assertThat(stored).containsExactlyInAnyOrderElementsOf(acknowledged);
    assertThat(stored)
        .extracting(Commit::sequence)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, threads * commitsPerThread)
                .boxed()
                .toList());
    for (int i = 1; i < stored.size(); i++) {
      assertThat(stored.get(i).writeTime()).isAfter(stored.get(i - 1).writeTime());
    }
  }

  private static FeatureGroup group(String name, Entity entity) {
    return new FeatureGroup(
        name,
        entity,
        List.of(FeatureDefinition.scalar("clicks_7d", FeatureType.INT64)),
        Duration.ofDays(30),
        true,
        "",
        1);
  }

  private static PendingAppend append(String objectKey, Optional<String> idempotencyKey) {
    NewDataFile file =
        new NewDataFile(
            objectKey,
            10,
            1000,
            "sha256:" + objectKey,
            "u1",
            "u9",
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-02-01T00:00:00Z"));
    return new PendingAppend(
        "user_activity", 1, List.of(file), idempotencyKey, "request-hash", "tester");
  }
}
