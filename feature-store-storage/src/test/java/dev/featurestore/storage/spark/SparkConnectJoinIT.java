package dev.featurestore.storage.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.join.ConsentPolicy;
import dev.featurestore.core.join.ConsentRecords;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetEngine;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.storage.erasure.ErasureTestBed;
import dev.featurestore.storage.iceberg.ObjectUris;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.testing.GeneratedKeyType;
import dev.featurestore.testing.GeneratedValueType;
import dev.featurestore.testing.ReferenceDataGenerator;
import dev.featurestore.testing.ReferenceFeatureRow;
import dev.featurestore.testing.ReferenceSpineRow;
import dev.featurestore.testing.TestingSparkConnectServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.sessions.JqwikSession;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training set joined by Spark through Spark Connect (a server started on loopback, in its own
 * JVM) equals the one our engine joins, row for row, on generated groups of every value type with
 * ties within and across commits, rows on the TTL bound, duplicate spine rows and {@code asOf}, and
 * under a purpose with generated consent events and either consent policy; it records the same
 * inputs and keys, so an erasure reaches its output like any other.
 */
class SparkConnectJoinIT {
  private static final long TIME_RANGE_MICROS = 40;
  private static final int MAX_SPINE_ROWS = 59;
  private static final int KEYS = 8;

  @TempDir Path folder;
  private ErasureTestBed bed;
  private SparkConnectJoin spark;

  @BeforeEach
  void setUp() throws IOException {
    String connectUrl = TestingSparkConnectServer.instance().connectUrl();
    bed =
        ErasureTestBed.in(
            folder,
            storage -> {
              spark =
                  SparkConnectJoin.connect(
                      connectUrl,
                      ObjectUris.localDisk(folder.resolve("objects")),
                      storage.allocator());
              return Optional.of(spark);
            });
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    spark.close();
    bed.close();
  }

  /**
   * Generated cases, drawn by the reference join's generators from fixed seeds: a string-keyed
   * group with a TTL and an integer-keyed one without, each with a feature of every value type,
   * joined in one training set over a spine of both keys, as of the latest commit and as of an
   * earlier one.
   */
  @Test
  void sparkOutputEqualsOursRowForRowWithTheSameInputsAndKeys() throws IOException {
    // The reference join's generators, drawn from outside a jqwik property.
    JqwikSession.start();
    try {
      joinGeneratedCases();
    } finally {
      JqwikSession.finish();
    }
  }

  private void joinGeneratedCases() throws IOException {
    Entity users = bed.storage().catalog().createEntity(new Entity("user_id", KeyType.STRING, ""));
    Entity items = bed.storage().catalog().createEntity(new Entity("item_id", KeyType.INT64, ""));
    // Consent events of both entities, for the builds with a purpose: the users' with a TTL.
    FeatureGroup userConsent = createConsentGroup(users, Duration.ofNanos(20_000));
    FeatureGroup itemConsent = createConsentGroup(items, Duration.ZERO);
    int joins = 0;
    long rowsWithConsent = 0;
    long rowsWithoutConsent = 0;
    for (long seed = 1; seed <= 3; seed++) {
      Random random = new Random(seed);
      commitConsent(userConsent, GeneratedKeyType.STRING, random);
      commitConsent(itemConsent, GeneratedKeyType.INT64, random);
      // A string-keyed group with a TTL of 10 µs and an integer-keyed one without, joined at once.
      FeatureGroup userGroup = createGroup("users_" + seed, "u_", users, Duration.ofNanos(10_000));
      FeatureGroup itemGroup = createGroup("items_" + seed, "i_", items, Duration.ZERO);
      List<Commit> userCommits = commitGenerated(userGroup, GeneratedKeyType.STRING, random);
      commitGenerated(itemGroup, GeneratedKeyType.INT64, random);
      List<ReferenceSpineRow> spine =
          ReferenceDataGenerator.spine(
                  List.of(
                      new ReferenceDataGenerator.SpineKey(
                          users.name(), GeneratedKeyType.STRING, KEYS),
                      new ReferenceDataGenerator.SpineKey(
                          items.name(), GeneratedKeyType.INT64, KEYS)),
                  MAX_SPINE_ROWS,
                  TIME_RANGE_MICROS,
                  0.2)
              .filter(rows -> !rows.isEmpty())
              .generator(1000)
              .next(random)
              .value();
      List<Optional<String>> asOfs = new ArrayList<>();
      asOfs.add(Optional.empty());
      if (userCommits.size() > 1) {
        asOfs.add(Optional.of(userCommits.get(userCommits.size() / 2 - 1).writeTime().toString()));
      }
      List<TrainingSetRequest> requests = new ArrayList<>();
      for (Optional<String> asOf : asOfs) {
        requests.add(request(List.of(userGroup, itemGroup), spine, asOf, Optional.empty()));
      }
      // One build with purpose "p" per seed, each policy, as of the latest or an earlier version.
      ConsentPolicy policy = seed % 2 == 1 ? ConsentPolicy.EXCLUDE : ConsentPolicy.NULL_FEATURES;
      requests.add(
          request(
              List.of(userGroup, itemGroup),
              spine,
              asOfs.get((int) (seed % asOfs.size())),
              Optional.of(policy)));
      for (TrainingSetRequest request : requests) {
        TrainingSet ours = bed.build(request);
        TrainingSet sparks = bed.build(request.onEngine(TrainingSetEngine.SPARK));

        assertThat(outputRows(sparks))
            .as("seed %d as of %s, consent %s", seed, request.asOf(), request.purpose())
            .isEqualTo(outputRows(ours));
        assertThat(sparks.rows()).isEqualTo(ours.rows());
        assertThat(sparks.rowsWithoutConsent()).isEqualTo(ours.rowsWithoutConsent());
        assertThat(sparks.inputs()).isEqualTo(ours.inputs());
        assertThat(sparks.catalogVersion()).isEqualTo(ours.catalogVersion());
        for (int k = 0; k < KEYS; k++) {
          assertSameLineage(users, GeneratedKeyType.STRING.key(k), ours, sparks);
          assertSameLineage(items, GeneratedKeyType.INT64.key(k), ours, sparks);
        }
        if (request.purpose().isPresent()) {
          rowsWithoutConsent += ours.rowsWithoutConsent();
          rowsWithConsent += spine.size() - ours.rowsWithoutConsent();
        } else {
          assertThat(sparks.rows()).isEqualTo(spine.size());
        }
        joins++;
      }
    }
    assertThat(joins).isGreaterThanOrEqualTo(7);
    // The data is no trivial case: consent kept some rows and took others.
    assertThat(rowsWithConsent).isPositive();
    assertThat(rowsWithoutConsent).isPositive();
  }

  private void assertSameLineage(Entity entity, Object key, TrainingSet ours, TrainingSet sparks) {
    Map<UUID, Set<KeyUse>> using = bed.lineage().trainingSetsUsing(entity.name(), key.toString());
    assertThat(using.get(sparks.id())).as("key %s", key).isEqualTo(using.get(ours.id()));
  }

  @Test
  void erasingAKeyRemovesItFromTheSparkBuiltOutput() throws IOException {
    Entity users = bed.storage().catalog().createEntity(new Entity("user_id", KeyType.STRING, ""));
    FeatureGroup group =
        bed.storage()
            .catalog()
            .createFeatureGroup(
                new FeatureGroup(
                    "activity",
                    users,
                    List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
                    Duration.ZERO,
                    false,
                    "",
                    1));
    bed.storage()
        .appendJson(
            group.name(),
            "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks\":1},"
                + "{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks\":2}");
    List<Map<String, Object>> spine = new ArrayList<>();
    for (String key : List.of("u1", "u2", "u1")) {
      spine.add(Map.of("user_id", key, "event_time", "2026-03-02T00:00:00Z"));
    }
    TrainingSet built =
        bed.build(
            new TrainingSetRequest(
                    "erased",
                    Optional.of(new InlineSpine(spine)),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(FeatureReference.parse("features[0]", "activity:*", Optional.empty())),
                    Optional.empty(),
                    "{}")
                .onEngine(TrainingSetEngine.SPARK));
    assertThat(bed.keysInOutput(built.id(), "user_id")).containsExactly("u1", "u2", "u1");

    bed.erase(users, List.of("u1"));

    assertThat(bed.keysInOutput(built.id(), "user_id")).containsExactly("u2");
    assertThat(bed.keysInGroup(group.name(), "user_id")).containsExactly("u2");
  }

  /** A group with a feature of every generated type, named by {@code prefix} and the type. */
  private FeatureGroup createGroup(String name, String prefix, Entity entity, Duration ttl) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (GeneratedValueType type : GeneratedValueType.values()) {
      String feature = prefix + type.name().toLowerCase(java.util.Locale.ROOT);
      features.add(
          type == GeneratedValueType.FLOAT32_VECTOR
              ? FeatureDefinition.vector(feature, GeneratedValueType.VECTOR_DIMENSION)
              : FeatureDefinition.scalar(feature, FeatureType.valueOf(type.name())));
    }
    return bed.storage()
        .catalog()
        .createFeatureGroup(new FeatureGroup(name, entity, features, ttl, false, "", 1));
  }

  /** The entity's consent group: {@code purpose} and {@code granted}, with {@code ttl}. */
  private FeatureGroup createConsentGroup(Entity entity, Duration ttl) {
    return bed.storage()
        .catalog()
        .createFeatureGroup(
            new FeatureGroup(
                ConsentRecords.groupNameOf(entity),
                entity,
                List.of(
                    FeatureDefinition.scalar(ConsentRecords.PURPOSE, FeatureType.STRING),
                    FeatureDefinition.scalar(ConsentRecords.GRANTED, FeatureType.BOOL)),
                ttl,
                false,
                "",
                1));
  }

  /**
   * Consent events drawn by the reference join's generator (purposes "p" and "q", granted,
   * withdrawn or null, over the spine's keys, some never consenting), one commit per generated
   * commit.
   */
  private void commitConsent(FeatureGroup group, GeneratedKeyType keyType, Random random)
      throws IOException {
    List<ReferenceFeatureRow> rows =
        ReferenceDataGenerator.consentRows(
                new ReferenceDataGenerator.GroupShape(
                    keyType, KEYS, 4, 40, TIME_RANGE_MICROS, List.of(), 0.1),
                List.of("p", "q"))
            // The generator draws empty lists often: an entity without events leaves no consent.
            .filter(events -> events.size() >= 2 * KEYS)
            .generator(1000)
            .next(random)
            .value();
    Map<Long, List<String>> byCommit = new LinkedHashMap<>();
    for (ReferenceFeatureRow row : rows) {
      byCommit
          .computeIfAbsent(row.commitSequence(), sequence -> new ArrayList<>())
          .add(
              "{\""
                  + group.entity().name()
                  + "\":"
                  + jsonValue(row.key())
                  + ",\"event_time\":\""
                  + instant(row.eventTimeMicros())
                  + "\",\"purpose\":"
                  + jsonValue(row.values().get(0))
                  + ",\"granted\":"
                  + jsonValue(row.values().get(1))
                  + "}");
    }
    for (List<String> commit : byCommit.values()) {
      bed.storage().appendJson(group.name(), String.join(",", commit));
    }
  }

  /** Generated rows, one commit per generated commit (empty ones dropped), in upload order. */
  private List<Commit> commitGenerated(FeatureGroup group, GeneratedKeyType keyType, Random random)
      throws IOException {
    List<ReferenceFeatureRow> rows =
        ReferenceDataGenerator.featureRows(
                new ReferenceDataGenerator.GroupShape(
                    keyType,
                    KEYS,
                    4,
                    13,
                    TIME_RANGE_MICROS,
                    List.of(GeneratedValueType.values()),
                    0.2))
            .generator(1000)
            .next(random)
            .value();
    Map<Long, List<ReferenceFeatureRow>> byCommit =
        rows.stream()
            .collect(
                Collectors.groupingBy(
                    ReferenceFeatureRow::commitSequence, LinkedHashMap::new, Collectors.toList()));
    List<Commit> commits = new ArrayList<>();
    for (List<ReferenceFeatureRow> commitRows : byCommit.values()) {
      List<String> json = new ArrayList<>();
      for (ReferenceFeatureRow row : commitRows) {
        json.add(jsonRow(group, row));
      }
      commits.add(bed.storage().appendJson(group.name(), String.join(",", json)));
    }
    return commits;
  }

  private static String jsonRow(FeatureGroup group, ReferenceFeatureRow row) {
    StringBuilder json = new StringBuilder("{");
    json.append('"').append(group.entity().name()).append("\":").append(jsonValue(row.key()));
    json.append(",\"event_time\":\"").append(instant(row.eventTimeMicros())).append('"');
    GeneratedValueType[] types = GeneratedValueType.values();
    for (int i = 0; i < types.length; i++) {
      Object value = row.values().get(i);
      json.append(",\"").append(group.features().get(i).name()).append("\":");
      json.append(
          value != null && types[i] == GeneratedValueType.TIMESTAMP
              ? "\"" + instant((Long) value) + "\""
              : jsonValue(value));
    }
    return json.append('}').toString();
  }

  private static String jsonValue(Object value) {
    return switch (value) {
      case null -> "null";
      case String text -> "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      case byte[] bytes -> "\"" + Base64.getEncoder().encodeToString(bytes) + "\"";
      case float[] floats -> {
        List<String> values = new ArrayList<>();
        for (float f : floats) {
          values.add(Float.toString(f));
        }
        yield "[" + String.join(",", values) + "]";
      }
      default -> value.toString();
    };
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** A training set of every feature of {@code groups}, with purpose "p" when a policy is given. */
  private static TrainingSetRequest request(
      List<FeatureGroup> groups,
      List<ReferenceSpineRow> spine,
      Optional<String> asOf,
      Optional<ConsentPolicy> consentPolicy) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReferenceSpineRow row : spine) {
      Map<String, Object> values = new HashMap<>();
      for (FeatureGroup group : groups) {
        values.put(group.entity().name(), row.key(group.entity().name()));
      }
      values.put("event_time", instant(row.spineTimeMicros()).toString());
      rows.add(values);
    }
    List<FeatureReference> features = new ArrayList<>();
    for (FeatureGroup group : groups) {
      features.add(
          FeatureReference.parse(
              "features[" + features.size() + "]", group.name() + ":*", Optional.empty()));
    }
    return new TrainingSetRequest(
        "generated",
        Optional.of(new InlineSpine(rows)),
        Optional.empty(),
        Optional.empty(),
        features,
        asOf,
        consentPolicy.map(policy -> "p"),
        consentPolicy.orElse(ConsentPolicy.EXCLUDE),
        "{}");
  }

  /** Every output row's values as Java objects, arrays made comparable. */
  private List<List<Object>> outputRows(TrainingSet set) throws IOException {
    Path copy = folder.resolve("output-" + UUID.randomUUID() + ".parquet");
    try (InputStream in = bed.storage().objects().get(set.outputObjectKey().orElseThrow())) {
      Files.copy(in, copy);
    }
    List<List<Object>> rows = new ArrayList<>();
    try (ArrowParquetReader output =
        ArrowParquetReader.open(new LocalFileInput(copy), 1024, bed.storage().allocator())) {
      while (output.loadNextBatch()) {
        VectorSchemaRoot batch = output.batch();
        for (int row = 0; row < batch.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (FieldVector column : batch.getFieldVectors()) {
            Object value = column.getObject(row);
            values.add(
                value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value));
          }
          rows.add(values);
        }
      }
    } finally {
      Files.delete(copy);
    }
    return rows;
  }
}
