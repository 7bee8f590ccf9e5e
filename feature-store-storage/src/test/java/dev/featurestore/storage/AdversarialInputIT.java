package dev.featurestore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.erasure.ErasureTestBed;
import dev.featurestore.storage.ingest.BodyMutation;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.ingest.ValidBodies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile bodies through everything after ingest: a commit in any of the four formats, or a spine
 * upload in any of its three, mutated or not, is either accepted or refused with an {@link
 * InvalidInputException} (a 400), never another exception or an {@link Error}; and what was
 * accepted serves a training set, and an erasure of its keys completes with every object readable
 * and the keys gone from the group, the upload and the output.
 */
class AdversarialInputIT {
  private static final String GROUP = "hostile";
  private static final List<FeatureReference> FEATURES =
      List.of(
          new FeatureReference(GROUP, "clicks_7d", Optional.of("joined_clicks")),
          new FeatureReference(GROUP, "country", Optional.of("joined_country")));

  /** What a body is sent as. */
  enum Target {
    COMMIT_JSON(UploadFormat.JSON),
    COMMIT_CSV(UploadFormat.CSV),
    COMMIT_PARQUET(UploadFormat.PARQUET),
    COMMIT_ARROW(UploadFormat.ARROW_STREAM),
    SPINE_CSV(UploadFormat.CSV),
    SPINE_PARQUET(UploadFormat.PARQUET),
    SPINE_ARROW(UploadFormat.ARROW_STREAM);

    final UploadFormat format;

    Target(UploadFormat format) {
      this.format = format;
    }

    boolean isSpine() {
      return name().startsWith("SPINE_");
    }
  }

  private static Path folder;
  private static ErasureTestBed bed;
  private static Entity user;
  private static final Map<Target, byte[]> VALID_BODIES = new EnumMap<>(Target.class);

  @BeforeContainer
  static void setUp() throws Exception {
    folder = Files.createTempDirectory("adversarial-input");
    bed = ErasureTestBed.in(folder);
    user = bed.storage().catalog().createEntity(new Entity("user_id", KeyType.STRING, ""));
    bed.storage().catalog().createFeatureGroup(ValidBodies.group(GROUP, user));
    for (Target target : Target.values()) {
      VALID_BODIES.put(
          target,
          target.isSpine()
              ? ValidBodies.spine(target.format, folder)
              : ValidBodies.commit(target.format, folder));
    }
    // Every spine then finds rows of every key it names.
    bed.storage()
        .writer()
        .append(
            GROUP,
            UploadFormat.JSON,
            spooled(ValidBodies.commit(UploadFormat.JSON, folder)),
            Optional.empty(),
            "fuzzer");
  }

  @AfterContainer
  static void tearDown() throws IOException {
    bed.close();
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Provide
  Arbitrary<BodyMutation> mutations() {
    return BodyMutation.any();
  }

  @Property(tries = 30)
  void hostileBodiesAreRefusedOrServeATrainingSetAndAnErasure(
      @ForAll Target target, @ForAll("mutations") BodyMutation mutation) throws IOException {
    byte[] body = mutation.applyTo(VALID_BODIES.get(target));
    boolean accepted =
        target.isSpine() ? uploadSpine(target.format, body) : commit(target.format, body);
    Statistics.collect(target.isSpine() ? "spine" : "commit", accepted ? "accepted" : "refused");
    assertThat(bed.storage().allocator().getAllocatedMemory()).as("Arrow memory left").isZero();
  }

  /**
   * Commits the body; when it is accepted, builds a training set over the group and erases every
   * key the group holds, so that the next try starts from an empty group.
   */
  private static boolean commit(UploadFormat format, byte[] body) throws IOException {
    try {
      bed.storage().writer().append(GROUP, format, spooled(body), Optional.empty(), "fuzzer");
    } catch (InvalidInputException refused) {
      assertThat(refused.errors()).isNotEmpty();
      return false;
    }
    TrainingSet trainingSet = bed.buildOnGroup(uniqueName("from_group_"), GROUP, FEATURES);
    List<String> keys = erasable(bed.keysInOutput(trainingSet.id(), user.name()));

    eraseForThisTry(keys);
    assertThat(bed.keysInGroup(GROUP, user.name())).doesNotContainAnyElementsOf(keys);
    assertThat(bed.keysInOutput(trainingSet.id(), user.name())).doesNotContainAnyElementsOf(keys);
    return true;
  }

  /**
   * Uploads the body as a spine; when it is accepted, builds a training set on it and erases every
   * key it holds.
   */
  private static boolean uploadSpine(UploadFormat format, byte[] body) throws IOException {
    Upload upload;
    try {
      upload = bed.upload(format, Files.write(folder.resolve("spine-" + UUID.randomUUID()), body));
    } catch (InvalidInputException refused) {
      assertThat(refused.errors()).isNotEmpty();
      return false;
    }
    Optional<TrainingSet> trainingSet;
    try {
      trainingSet = Optional.of(bed.buildOnUpload(uniqueName("from_upload_"), upload, FEATURES));
    } catch (InvalidInputException refused) {
      // An upload may be a spine for no group of this entity (no user_id keys, say): a 400 too.
      assertThat(refused.errors()).isNotEmpty();
      trainingSet = Optional.empty();
    }
    boolean keyed =
        upload.column(user.name()).map(column -> column.type() == FeatureType.STRING).orElse(false);
    List<String> keys = erasable(keyed ? bed.keysInUpload(upload.id(), user.name()) : List.of());

    eraseForThisTry(keys);
    if (keyed) {
      assertThat(bed.keysInUpload(upload.id(), user.name())).doesNotContainAnyElementsOf(keys);
    }
    if (trainingSet.isPresent()) {
      assertThat(bed.keysInOutput(trainingSet.get().id(), user.name()))
          .doesNotContainAnyElementsOf(keys);
    }
    return true;
  }

  /** The keys an erasure request may name, each once; a key of the valid bodies when none is. */
  private static List<String> erasable(List<String> keys) {
    List<String> erasable =
        keys.stream()
            .filter(key -> key != null && user.problemWithKey(key).isEmpty())
            .map(user::canonicalKey)
            .distinct()
            .toList();
    return erasable.isEmpty() ? List.of("u1") : erasable;
  }

  /**
   * Erases the keys, then lifts their tombstones: erased keys stay erased, and the next try commits
   * the same keys again.
   */
  private static void eraseForThisTry(List<String> keys) throws IOException {
    assertCompletes(bed.erase(user, keys));
    bed.liftTombstones(user, keys);
  }

  private static void assertCompletes(ErasureReceipt receipt) {
    assertThat(receipt.completedAt()).isPresent();
    assertThat(receipt.unreadableObjects()).as("objects accepted, yet unreadable").isEmpty();
  }

  private static String uniqueName(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  private static SpooledUpload spooled(byte[] body) throws IOException {
    Path file = Files.write(folder.resolve("body-" + UUID.randomUUID()), body);
    return new SpooledUpload(file, body.length, "hash-" + UUID.randomUUID());
  }
}
