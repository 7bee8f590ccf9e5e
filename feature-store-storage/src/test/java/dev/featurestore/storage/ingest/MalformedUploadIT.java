package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Fuzzes the upload decoders through the whole append path: valid JSON, CSV, Parquet and Arrow
 * bodies, truncated or with bytes flipped, inserted, deleted or repeated, either commit or fail
 * with an {@link InvalidInputException} (a 400, never a 500), and a failure commits nothing and
 * leaves no object behind. The columnar decoders blame the body only for the body: a fault of the
 * object store while they decode (full batches are stored as the upload is read) is the store's
 * {@link ObjectStoreUnavailableException} (a 503), and a damaged spine upload is a 400 too.
 */
class MalformedUploadIT {
  private static final String GROUP = "fuzzed";
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  private static final String ROWS =
      "SELECT 'u' || (i % 7) AS user_id,"
          + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_hours(i) AS event_time,"
          + " i::BIGINT AS clicks_7d, i / 3.0 AS score, 'c' || i AS country,"
          + " [i, i + 0.5, -i]::FLOAT[] AS embedding FROM range(40) t(i)";

  private static Path folder;
  private static RootAllocator allocator;
  private static JdbcCatalog catalog;
  private static LocalDiskObjectStore objects;
  private static FeatureGroupWriter writer;
  private static final Map<UploadFormat, byte[]> VALID_BODIES = new EnumMap<>(UploadFormat.class);

  @BeforeContainer
  static void setUp() throws Exception {
    folder = Files.createTempDirectory("malformed-uploads");
    allocator = new RootAllocator();
    var database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource());
    catalog = new JdbcCatalog(database.dataSource());
    objects = new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects")));
    writer =
        new FeatureGroupWriter(
            catalog,
            objects,
            allocator,
            Files.createDirectories(folder.resolve("tmp")),
            Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC));
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    catalog.createFeatureGroup(
        new FeatureGroup(
            GROUP,
            user,
            List.of(
                FeatureDefinition.scalar("clicks_7d", FeatureType.INT64),
                FeatureDefinition.scalar("score", FeatureType.FLOAT64),
                FeatureDefinition.scalar("country", FeatureType.STRING),
                FeatureDefinition.vector("embedding", 3)),
            Duration.ZERO,
            false,
            "",
            1));
    VALID_BODIES.put(UploadFormat.JSON, jsonRows());
    VALID_BODIES.put(UploadFormat.CSV, csvRows());
    VALID_BODIES.put(
        UploadFormat.PARQUET,
        Files.readAllBytes(UploadBodies.parquet(ROWS, folder.resolve("valid.parquet"))));
    VALID_BODIES.put(
        UploadFormat.ARROW_STREAM,
        Files.readAllBytes(UploadBodies.arrowStream(ROWS, folder.resolve("valid.arrow"))));
  }

  @AfterContainer
  static void tearDown() throws IOException {
    allocator.close();
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Property(tries = 150)
  void mutatedUploadsCommitOrAreRejectedWithoutATrace(
      @ForAll UploadFormat format, @ForAll("mutations") Mutation mutation) throws IOException {
    byte[] body = mutation.applyTo(VALID_BODIES.get(format));
    int commitsBefore = catalog.commits(GROUP).size();
    int objectsBefore = objects.list(FeatureGroupWriter.objectPrefix(GROUP)).size();
    Path file = Files.write(folder.resolve("body-" + UUID.randomUUID()), body);
    try {
      Commit commit = writer.append(GROUP, format, spooled(file, body), Optional.empty(), "fuzzer");
      assertThat(catalog.commits(GROUP)).hasSize(commitsBefore + 1).contains(commit);
    } catch (InvalidInputException rejected) {
      assertThat(rejected.errors()).isNotEmpty();
      assertThat(catalog.commits(GROUP)).hasSize(commitsBefore);
      assertThat(objects.list(FeatureGroupWriter.objectPrefix(GROUP))).hasSize(objectsBefore);
    } finally {
      Files.delete(file);
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Property(tries = 40)
  void storageFaultWhileDecodingIsTheObjectStoresFault(
      @ForAll("columnar") UploadFormat format,
      @ForAll @IntRange(min = 1, max = 13) int rowsPerBatch,
      @ForAll @IntRange(min = 0, max = 2) int putsBeforeFault)
      throws IOException {
    FeatureGroupWriter smallBatches =
        new FeatureGroupWriter(
            catalog,
            new FailingPuts(objects, putsBeforeFault),
            allocator,
            folder.resolve("tmp"),
            Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC),
            group -> rowsPerBatch);
    byte[] body = VALID_BODIES.get(format);
    int commitsBefore = catalog.commits(GROUP).size();
    int objectsBefore = objects.list(FeatureGroupWriter.objectPrefix(GROUP)).size();
    Path file = Files.write(folder.resolve("body-" + UUID.randomUUID()), body);
    try {
      assertThatThrownBy(
              () ->
                  smallBatches.append(
                      GROUP, format, spooled(file, body), Optional.empty(), "fuzzer"))
          .isInstanceOf(ObjectStoreUnavailableException.class);
    } finally {
      Files.delete(file);
    }
    assertThat(catalog.commits(GROUP)).hasSize(commitsBefore);
    assertThat(objects.list(FeatureGroupWriter.objectPrefix(GROUP)))
        .as("a definite failure deletes what it stored")
        .hasSize(objectsBefore);
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Property(tries = 100)
  void mutatedSpineUploadsLoadOrAreRejected(
      @ForAll("columnar") UploadFormat format, @ForAll("mutations") Mutation mutation)
      throws IOException {
    Path file =
        Files.write(
            folder.resolve("spine-" + UUID.randomUUID()),
            mutation.applyTo(VALID_BODIES.get(format)));
    Entity user = catalog.entity("user_id").orElseThrow();
    try (VectorSchemaRoot spine = SpineUploads.load(format, file, List.of(user), allocator)) {
      assertThat(spine.getRowCount()).isPositive();
    } catch (InvalidInputException rejected) {
      assertThat(rejected.errors()).isNotEmpty();
    } finally {
      Files.delete(file);
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Provide
  Arbitrary<UploadFormat> columnar() {
    return Arbitraries.of(UploadFormat.PARQUET, UploadFormat.ARROW_STREAM);
  }

  /**
   * The local-disk store, whose puts fail as an unreachable store's would once {@code puts} have
   * succeeded: a fault no real store here can be told to make at a chosen put.
   */
  private static final class FailingPuts implements ObjectStore {
    private final ObjectStore store;
    private final AtomicInteger putsLeft;

    FailingPuts(ObjectStore store, int puts) {
      this.store = store;
      this.putsLeft = new AtomicInteger(puts);
    }

    @Override
    public void put(String key, Path file) throws IOException {
      failOnceUsedUp(key);
      store.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      failOnceUsedUp(key);
      store.put(key, bytes);
    }

    private void failOnceUsedUp(String key) throws ObjectStoreUnavailableException {
      if (putsLeft.getAndDecrement() <= 0) {
        throw new ObjectStoreUnavailableException("could not put " + key + ": connection reset");
      }
    }

    @Override
    public InputStream get(String key) throws IOException {
      return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
      return store.getRange(key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
      return store.size(key);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
      return store.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public void checkAvailable() throws IOException {
      store.checkAvailable();
    }

    @Override
    public String location() {
      return store.location();
    }
  }

  /** One edit of a valid body, at a position given as a fraction of its length. */
  record Mutation(Kind kind, double position, int length, byte value) {
    enum Kind {
      TRUNCATE,
      FLIP,
      DELETE,
      INSERT,
      REPEAT
    }

    byte[] applyTo(byte[] valid) {
      int at = (int) (position * valid.length);
      int end = Math.min(valid.length, at + length);
      return switch (kind) {
        case TRUNCATE -> Arrays.copyOf(valid, at);
        case FLIP -> {
          byte[] flipped = valid.clone();
          for (int i = at; i < end; i++) {
            flipped[i] ^= value == 0 ? 1 : value;
          }
          yield flipped;
        }
        case DELETE ->
            concat(Arrays.copyOf(valid, at), Arrays.copyOfRange(valid, end, valid.length));
        case INSERT -> {
          byte[] inserted = new byte[length];
          Arrays.fill(inserted, value);
          yield concat(
              concat(Arrays.copyOf(valid, at), inserted),
              Arrays.copyOfRange(valid, at, valid.length));
        }
        case REPEAT ->
            concat(
                concat(Arrays.copyOf(valid, end), Arrays.copyOfRange(valid, at, end)),
                Arrays.copyOfRange(valid, end, valid.length));
      };
    }

    private static byte[] concat(byte[] first, byte[] second) {
      byte[] joined = Arrays.copyOf(first, first.length + second.length);
      System.arraycopy(second, 0, joined, first.length, second.length);
      return joined;
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.of(Mutation.Kind.class),
            Arbitraries.doubles().between(0, 1),
            Arbitraries.integers().between(1, 16),
            Arbitraries.bytes())
        .as(Mutation::new);
  }

  private static byte[] jsonRows() {
    StringBuilder json = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < 40; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"user_id\":\"u")
          .append(i % 7)
          .append("\",\"event_time\":\"2026-03-01T0")
          .append(i % 10)
          .append(":00:00Z\",\"clicks_7d\":")
          .append(i)
          .append(",\"score\":")
          .append(i / 3.0)
          .append(",\"country\":\"c")
          .append(i)
          .append("\",\"embedding\":[")
          .append(i)
          .append(",0.5,-1]}");
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] csvRows() {
    StringBuilder csv = new StringBuilder("user_id,event_time,clicks_7d,score,country,embedding\n");
    for (int i = 0; i < 40; i++) {
      csv.append("u")
          .append(i % 7)
          .append(",2026-03-01T0")
          .append(i % 10)
          .append(":00:00Z,")
          .append(i)
          .append(',')
          .append(i / 3.0)
          .append(",\"c, ")
          .append(i)
          .append("\",\"[")
          .append(i)
          .append(", 0.5, -1]\"\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static SpooledUpload spooled(Path file, byte[] body) {
    try {
      return new SpooledUpload(
          file,
          body.length,
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
