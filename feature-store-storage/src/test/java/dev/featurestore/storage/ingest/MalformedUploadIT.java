package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
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
    catalog.createFeatureGroup(ValidBodies.group(GROUP, user));
    for (UploadFormat format : UploadFormat.values()) {
      VALID_BODIES.put(format, ValidBodies.commit(format, folder));
    }
  }

  @AfterContainer
  static void tearDown() throws IOException {
    allocator.close();
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Provide
  Arbitrary<BodyMutation> mutations() {
    return BodyMutation.any();
  }

  @Property(tries = 150)
  void mutatedUploadsCommitOrAreRejectedWithoutATrace(
      @ForAll UploadFormat format, @ForAll("mutations") BodyMutation mutation) throws IOException {
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
