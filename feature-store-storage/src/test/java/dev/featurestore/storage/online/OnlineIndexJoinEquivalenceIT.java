package dev.featurestore.storage.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.join.PointInTimeJoinRequest;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.join.WinningRows;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.online.OnlineStatus;
import dev.featurestore.core.online.OnlineValueWriter;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/**
 * The online answer for key K equals the training-set join for the spine row {@code (K, now)} as of
 * the latest commit, both computed by the production code from the same Parquet files: generated
 * groups (STRING or INT64 keys, every feature type, several commits, colliding event times, nulls,
 * rows up to the allowed skew in the future, TTL set or not, a compaction or a schema evolution
 * between commits), an index kept fresh commit by commit and one loaded at the end, and {@link
 * PointInTimeJoinEngine} over the snapshot of the latest commit.
 *
 * <p>Statuses map to the join as follows: PRESENT or NULL_VALUE when the join has a winner (the
 * value and the event time are the winner's), OUTSIDE_TTL when it has none but would have one
 * without the TTL, NOT_FOUND when it has none either way.
 */
class OnlineIndexJoinEquivalenceIT {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final int KEYS = 12;
  private static final String SPINE_TIME = "spine_time";
  private static final long NO_WINNER = Long.MIN_VALUE;
  private static final List<Duration> TTLS =
      List.of(Duration.ZERO, Duration.ofHours(1), Duration.ofMinutes(90));
  private static final List<FeatureDefinition> FEATURES =
      List.of(
          FeatureDefinition.scalar("count", FeatureType.INT64),
          FeatureDefinition.scalar("small", FeatureType.INT32),
          FeatureDefinition.scalar("rate", FeatureType.FLOAT64),
          FeatureDefinition.scalar("ratio", FeatureType.FLOAT32),
          FeatureDefinition.scalar("flag", FeatureType.BOOL),
          FeatureDefinition.scalar("label", FeatureType.STRING),
          FeatureDefinition.scalar("blob", FeatureType.BYTES),
          FeatureDefinition.scalar("seen", FeatureType.TIMESTAMP),
          FeatureDefinition.vector("embedding", 2));
  private static final FeatureDefinition LATE = FeatureDefinition.scalar("late", FeatureType.INT64);

  private static final AtomicInteger GROUPS = new AtomicInteger();
  private static Path folder;
  private static RootAllocator allocator;
  private static JdbcCatalog catalog;
  private static FeatureGroupWriter writer;
  private static FeatureGroupReader reader;
  private static FeatureGroupCompactor compactor;
  private static OnlineIndexLoader loader;

  @BeforeContainer
  static void setUp() throws IOException {
    folder = Files.createTempDirectory("online-equivalence");
    StorageTestBed bed = StorageTestBed.in(folder, Clock.fixed(NOW, ZoneOffset.UTC));
    allocator = bed.allocator();
    catalog = bed.catalog();
    writer = bed.writer();
    reader = bed.reader();
    compactor = bed.compactor();
    loader = new OnlineIndexLoader(catalog, reader, allocator, Long.MAX_VALUE);
  }

  @AfterContainer
  static void tearDown() throws IOException {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** One generated row: its key, how many quarter hours back and whether 5 minutes ahead. */
  record Row(int key, int quartersBack, boolean ahead, List<String> valuesJson) {}

  /**
   * What a try does: the group's key type and TTL, the rows of each commit, the commit after which
   * the group is compacted and the one after which it gains a feature (-1 or beyond the last:
   * never), and how far the clock moves between the three comparisons.
   */
  record Scenario(
      KeyType keyType,
      Duration ttl,
      List<List<Row>> commits,
      int compactAfter,
      int evolveAfter,
      List<Integer> advanceSeconds) {}

  @Property(tries = 12)
  void onlineAnswerEqualsTheJoinForSpineRowKeyNow(@ForAll("scenarios") Scenario scenario)
      throws IOException {
    int number = GROUPS.incrementAndGet();
    Entity entity = catalog.createEntity(new Entity("entity_" + number, scenario.keyType(), ""));
    String name = "group_" + number;
    catalog.createFeatureGroup(
        new FeatureGroup(name, entity, FEATURES, scenario.ttl(), true, "", 1));
    SettableClock clock = new SettableClock(NOW);
    OnlineMemoryBudget budget = new OnlineMemoryBudget(1L << 30);
    try (LatestValueIndex keptFresh =
        LatestValueIndex.create(group(name), budget, allocator, clock)) {
      for (int commit = 0; commit < scenario.commits().size(); commit++) {
        append(group(name), scenario.commits().get(commit));
        if (commit == scenario.compactAfter()) {
          compactor.compact(name, "tester");
        }
        if (commit == scenario.evolveAfter()) {
          catalog.addFeatures(name, List.of(LATE));
        }
        loader.catchUp(keptFresh, group(name));
      }
      try (LatestValueIndex loaded =
          LatestValueIndex.create(group(name), budget, allocator, clock)) {
        loader.catchUp(loaded, group(name));
        for (int advance : scenario.advanceSeconds()) {
          FeatureGroup group = group(name);
          try (LatestValueIndex.View freshView = keptFresh.view();
              LatestValueIndex.View loadedView = loaded.view()) {
            Join join = join(group, freshView.nowMicros());
            assertSameAsJoin(freshView, group, join, "kept fresh");
            assertSameAsJoin(loadedView, group, join, "loaded at the end");
          }
          clock.advance(Duration.ofSeconds(advance));
        }
      }
    }
  }

  /**
   * Few keys and coarse event times, so that keys repeat and times collide within and across
   * commits; some rows up to 5 minutes in the future (the allowed skew); about one value in six
   * null. Each row has a value for every feature the group may have (the evolved one last).
   */
  @Provide
  Arbitrary<Scenario> scenarios() {
    List<Arbitrary<String>> values = new ArrayList<>();
    for (FeatureDefinition feature : FEATURES) {
      values.add(valueJson(feature));
    }
    values.add(valueJson(LATE));
    Arbitrary<Row> row =
        Combinators.combine(
                Arbitraries.integers().between(0, KEYS - 1),
                Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 3).map(quarter -> quarter == 0),
                Combinators.combine(values).as(List::copyOf))
            .as(Row::new);
    return Combinators.combine(
            Arbitraries.of(KeyType.INT64, KeyType.STRING),
            Arbitraries.of(TTLS),
            row.list().ofMinSize(1).ofMaxSize(30).list().ofMinSize(1).ofMaxSize(5),
            Arbitraries.integers().between(-1, 4),
            Arbitraries.integers().between(-1, 4),
            Arbitraries.integers().between(0, 239).list().ofSize(3))
        .as(Scenario::new);
  }

  private static Arbitrary<String> valueJson(FeatureDefinition feature) {
    Arbitrary<String> value =
        switch (feature.type()) {
          case INT64, INT32 -> Arbitraries.integers().between(-50, 49).map(Object::toString);
          case FLOAT64, FLOAT32 ->
              Arbitraries.integers().between(0, 999).map(eighths -> Double.toString(eighths / 8.0));
          case BOOL -> Arbitraries.of(true, false).map(Object::toString);
          case STRING -> Arbitraries.integers().between(0, 99).map(v -> "\"v" + v + "\"");
          case BYTES ->
              Arbitraries.bytes()
                  .map(b -> "\"" + Base64.getEncoder().encodeToString(new byte[] {b}) + "\"");
          case TIMESTAMP ->
              Arbitraries.integers()
                  .between(0, 99_999)
                  .map(seconds -> "\"" + NOW.minusSeconds(seconds) + "\"");
          case FLOAT32_VECTOR ->
              Combinators.combine(
                      Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 9))
                  .as((first, quarters) -> "[" + first + "," + quarters / 4.0 + "]");
        };
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("null")), Tuple.of(5, value));
  }

  private static FeatureGroup group(String name) {
    return catalog.featureGroup(name).orElseThrow();
  }

  /** An upload of the rows, with values for the group's features as it is now. */
  private static void append(FeatureGroup group, List<Row> commitRows) throws IOException {
    StringBuilder rows = new StringBuilder();
    for (Row row : commitRows) {
      Instant eventTime =
          NOW.minus(Duration.ofMinutes(15L * row.quartersBack()))
              .plus(Duration.ofMinutes(row.ahead() ? 5 : 0));
      rows.append(rows.isEmpty() ? "" : ",")
          .append("{\"")
          .append(group.entity().name())
          .append("\":")
          .append(keyJson(group.entity().keyType(), row.key()))
          .append(",\"event_time\":\"")
          .append(eventTime)
          .append('"');
      for (int feature = 0; feature < group.features().size(); feature++) {
        rows.append(",\"").append(group.features().get(feature).name()).append("\":");
        rows.append(row.valuesJson().get(feature));
      }
      rows.append('}');
    }
    Path body = Files.createTempFile(folder, "upload", ".json");
    byte[] bytes = ("{\"rows\":[" + rows + "]}").getBytes(StandardCharsets.UTF_8);
    Files.write(body, bytes);
    writer.append(
        group.name(),
        UploadFormat.JSON,
        new SpooledUpload(body, bytes.length, "hash-" + System.nanoTime()),
        Optional.empty(),
        "tester");
  }

  private static String keyJson(KeyType keyType, int key) {
    return keyType == KeyType.INT64 ? Integer.toString(key) : "\"k" + key + "\"";
  }

  /** Every key of the group (and two it never had) against the join at the view's now. */
  private static void assertSameAsJoin(
      LatestValueIndex.View view, FeatureGroup group, Join join, String which) {
    for (int key = 0; key < KEYS + 2; key++) {
      int slot =
          group.entity().keyType() == KeyType.INT64 ? view.slotOf(key) : view.slotOf("k" + key);
      for (int feature = 0; feature < group.features().size(); feature++) {
        String featureName = group.features().get(feature).name();
        String description = which + ", key " + key + ", " + featureName;
        int column = view.featureIndex(featureName);
        ValueRecorder online = new ValueRecorder();
        OnlineStatus status = view.writeValue(slot, column, online);
        Object joined = join.values.get(key).get(feature);
        assertThat(online.value).as(description).isEqualTo(joined);
        assertThat(status).as(description).isEqualTo(join.expectedStatus(key, joined));
        assertThat(view.status(slot, column)).as(description).isEqualTo(status);
        if (join.winnerTimes[key] != NO_WINNER) {
          assertThat(view.eventTimeMicros(slot)).as(description).isEqualTo(join.winnerTimes[key]);
        }
      }
    }
  }

  /**
   * The join's output values by spine row, and its winners' event times with and without the TTL
   * ({@link #NO_WINNER} for none).
   */
  private static final class Join {
    private final List<List<Object>> values = new ArrayList<>();
    private final long[] winnerTimes = new long[KEYS + 2];
    private final long[] winnerTimesWithoutTtl = new long[KEYS + 2];

    OnlineStatus expectedStatus(int spineRow, Object joinedValue) {
      if (winnerTimes[spineRow] != NO_WINNER) {
        return joinedValue == null ? OnlineStatus.NULL_VALUE : OnlineStatus.PRESENT;
      }
      return winnerTimesWithoutTtl[spineRow] != NO_WINNER
          ? OnlineStatus.OUTSIDE_TTL
          : OnlineStatus.NOT_FOUND;
    }

    void recordWinners(int groupIndex, WinningRows winners) {
      long[] times = groupIndex == 0 ? winnerTimes : winnerTimesWithoutTtl;
      for (int row = 0; row < winners.spineRowCount(); row++) {
        times[row] = winners.hasWinner(row) ? winners.eventTimeMicros(row) : NO_WINNER;
      }
    }
  }

  /**
   * The engine over the latest snapshot's files, read as the training-set builder reads them, for
   * the spine rows {@code (key, now)} of every key: the group as it is, then without its TTL.
   */
  private static Join join(FeatureGroup group, long nowMicros) throws IOException {
    long latest = catalog.latestSequence(group.name());
    FeatureGroupReader.Snapshot snapshot = reader.snapshot(group, latest);
    FeatureFileScan scan = FeatureFileScan.allFeatures(group);
    StoredRowSource rows = consumer -> snapshot.forEachBatchInAnyOrder(scan, consumer);
    FeatureGroup untimed =
        new FeatureGroup(
            group.name(),
            group.entity(),
            group.features(),
            Duration.ZERO,
            group.online(),
            group.description(),
            group.schemaVersion());
    List<FeatureSelection> features =
        group.features().stream().map(f -> FeatureSelection.of(f.name())).toList();
    List<FeatureSelection> aliased =
        group.features().stream()
            .map(f -> new FeatureSelection(f.name(), "untimed__" + f.name()))
            .toList();
    Join join = new Join();
    try (VectorSchemaRoot spine = spine(group.entity(), nowMicros)) {
      new PointInTimeJoinEngine(allocator, new JoinOptions(1, 5), ForkJoinPool.commonPool())
          .join(
              new PointInTimeJoinRequest(
                  spine,
                  SPINE_TIME,
                  List.of(
                      new FeatureGroupRequest(group, latest, features, rows),
                      new FeatureGroupRequest(untimed, latest, aliased, rows))),
              new JoinOutputSink() {
                @Override
                public void begin(Schema schema) {}

                @Override
                public void accept(VectorSchemaRoot batch) {
                  for (int row = 0; row < batch.getRowCount(); row++) {
                    List<Object> values = new ArrayList<>();
                    for (int feature = 0; feature < features.size(); feature++) {
                      values.add(canonical(batch.getVector(2 + feature), row));
                    }
                    join.values.add(values);
                  }
                }
              },
              (groupIndex, request, winners) -> join.recordWinners(groupIndex, winners));
    }
    return join;
  }

  private static VectorSchemaRoot spine(Entity entity, long nowMicros) {
    VectorSchemaRoot spine =
        VectorSchemaRoot.create(
            new Schema(
                List.of(
                    StoredRowSchema.keyField(entity),
                    Field.notNullable(SPINE_TIME, StoredRowSchema.TIMESTAMP_TYPE))),
            allocator);
    spine.allocateNew();
    for (int key = 0; key < KEYS + 2; key++) {
      if (entity.keyType() == KeyType.INT64) {
        ((BigIntVector) spine.getVector(0)).setSafe(key, key);
      } else {
        ((VarCharVector) spine.getVector(0))
            .setSafe(key, ("k" + key).getBytes(StandardCharsets.UTF_8));
      }
      ((TimeStampMicroTZVector) spine.getVector(1)).setSafe(key, nowMicros);
    }
    spine.setRowCount(KEYS + 2);
    return spine;
  }

  /** A join output value in the form {@link ValueRecorder} records the online value in. */
  private static Object canonical(FieldVector vector, int row) {
    Object value = vector.getObject(row);
    if (value == null) {
      return null;
    }
    if (vector instanceof TimeStampMicroTZVector) {
      return "micros " + value;
    }
    if (value instanceof Integer integer) {
      return integer.longValue();
    }
    if (value instanceof Text text) {
      return text.toString();
    }
    if (value instanceof byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> list) {
      return List.copyOf(list);
    }
    return value;
  }

  /** Records one online value in the form {@link #canonical} gives join values. */
  private static final class ValueRecorder implements OnlineValueWriter {
    private Object value;

    @Override
    public void writeNull() {
      value = null;
    }

    @Override
    public void writeBoolean(boolean value) {
      this.value = value;
    }

    @Override
    public void writeLong(long value) {
      this.value = value;
    }

    @Override
    public void writeFloat(float value) {
      this.value = value;
    }

    @Override
    public void writeDouble(double value) {
      this.value = value;
    }

    @Override
    public void writeTimestampMicros(long micros) {
      value = "micros " + micros;
    }

    @Override
    public void writeUtf8(byte[] bytes, int offset, int length) {
      value = new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public void writeBinary(byte[] bytes, int offset, int length) {
      value = HexFormat.of().formatHex(bytes, offset, offset + length);
    }

    @Override
    public void writeFloatVector(float[] values, int offset, int length) {
      List<Float> elements = new ArrayList<>();
      for (int i = offset; i < offset + length; i++) {
        elements.add(values[i]);
      }
      value = List.copyOf(elements);
    }
  }

  private static final class SettableClock extends Clock {
    private Instant now;

    SettableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
