package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.storage.ForwardingObjectStore;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
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
  private static JdbcTombstones tombstones;
  private static final Map<UploadFormat, byte[]> VALID_BODIES = new EnumMap<>(UploadFormat.class);

  @BeforeContainer
  static void setUp() throws Exception {
    folder = Files.createTempDirectory("malformed-uploads");
    StorageTestBed bed = StorageTestBed.in(folder, Clock.fixed(NOW, ZoneOffset.UTC));
    allocator = bed.allocator();
    catalog = bed.catalog();
    tombstones = new JdbcTombstones(bed.dataSource());
    objects = bed.objects();
    writer = bed.writer();
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
      Commit commit =
          writer.append(GROUP, format, ValidBodies.spooled(file, body), Optional.empty(), "fuzzer");
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

  @Property(tries = 40)
  void storageFaultWhileDecodingIsTheObjectStoresFault(
      @ForAll("columnar") UploadFormat format,
      @ForAll @IntRange(min = 1, max = 13) int rowsPerBatch,
      @ForAll @IntRange(min = 0, max = 2) int putsBeforeFault)
      throws IOException {
    FeatureGroupWriter smallBatches =
        StorageTestBed.writer(
            catalog,
            tombstones,
            new FailingPuts(objects, putsBeforeFault),
            allocator,
            Clock.fixed(NOW, ZoneOffset.UTC),
            FeatureGroupWriter.Settings.of(folder.resolve("tmp"), Duration.ofMinutes(5))
                .withRowsPerBatch(group -> rowsPerBatch));
    byte[] body = VALID_BODIES.get(format);
    int commitsBefore = catalog.commits(GROUP).size();
    int objectsBefore = objects.list(ObjectLayout.featureGroup(GROUP)).size();
    Path file = Files.write(folder.resolve("body-" + UUID.randomUUID()), body);
    try {
      assertThatThrownBy(
              () ->
                  smallBatches.append(
                      GROUP, format, ValidBodies.spooled(file, body), Optional.empty(), "fuzzer"))
          .isInstanceOf(ObjectStoreUnavailableException.class);
    } finally {
      Files.delete(file);
    }
    assertThat(catalog.commits(GROUP)).hasSize(commitsBefore);
    assertThat(objects.list(ObjectLayout.featureGroup(GROUP)))
        .as("a definite failure deletes what it stored")
        .hasSize(objectsBefore);
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
  private static final class FailingPuts extends ForwardingObjectStore {
    private final AtomicInteger putsLeft;

    FailingPuts(ObjectStore store, int puts) {
      super(store);
      this.putsLeft = new AtomicInteger(puts);
    }

    @Override
    public void put(String key, Path file) throws IOException {
      failOnceUsedUp(key);
      super.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      failOnceUsedUp(key);
      super.put(key, bytes);
    }

    private void failOnceUsedUp(String key) throws ObjectStoreUnavailableException {
      if (putsLeft.getAndDecrement() <= 0) {
        throw new ObjectStoreUnavailableException("could not put " + key + ": connection reset");
      }
    }
  }
}
