package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.arrow.memory.RootAllocator;

/**
 * Fuzzes the upload decoders through the whole append path: valid JSON, CSV, Parquet and Arrow
 * bodies, truncated or with bytes flipped, inserted, deleted or repeated, either commit or fail
 * with an {@link InvalidInputException} (a 400, never a 500), and a failure commits nothing and
 * leaves no object behind.
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
    int objectsBefore = objects.list(ObjectLayout.featureGroup(GROUP)).size();
    Path file = Files.write(folder.resolve("body-" + UUID.randomUUID()), body);
    try {
      Commit commit = writer.append(GROUP, format, spooled(file, body), Optional.empty(), "fuzzer");
      assertThat(catalog.commits(GROUP)).hasSize(commitsBefore + 1).contains(commit);
    } catch (InvalidInputException rejected) {
      assertThat(rejected.errors()).isNotEmpty();
      assertThat(catalog.commits(GROUP)).hasSize(commitsBefore);
      assertThat(objects.list(ObjectLayout.featureGroup(GROUP))).hasSize(objectsBefore);
    } finally {
      Files.delete(file);
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
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
