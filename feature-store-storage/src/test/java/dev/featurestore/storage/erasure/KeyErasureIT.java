package dev.featurestore.storage.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyErasure;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.testing.DamagedArrowStreams;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasures reach every stored copy of a key even when one object cannot be read, and even when the
 * only copy left is in the request of a training set that failed.
 */
class KeyErasureIT {
  private static final List<FeatureReference> CLICKS =
      List.of(new FeatureReference("activity", "clicks", Optional.empty()));

  @TempDir Path folder;
  private ErasureTestBed bed;
  private Entity user;

  @BeforeEach
  void setUp() throws Exception {
    bed = ErasureTestBed.in(folder);
    bed.storage().userGroup("activity", FeatureDefinition.scalar("clicks", FeatureType.INT64));
    user = bed.storage().catalog().entity("user_id").orElseThrow();
    bed.storage()
        .appendJson(
            "activity",
            """
            {"user_id":"u1","event_time":"2026-02-01T00:00:00Z","clicks":1},
            {"user_id":"u2","event_time":"2026-02-01T00:00:00Z","clicks":2}""");
  }

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void aDamagedUploadIsNamedInTheReceiptAndEveryOtherObjectLosesTheKey() throws Exception {
    Upload spine =
        bed.uploadCsv("user_id,event_time\nu1,2026-03-01T00:00:00Z\nu2,2026-03-01T00:00:00Z\n");
    Upload damaged =
        bed.upload(
            UploadFormat.ARROW_STREAM,
            UploadBodies.arrowStream(DamagedArrowStreams.ROWS, folder.resolve("valid.arrow")));
    TrainingSet trainingSet = bed.buildOnUpload("from_upload", spine, CLICKS);
    // The object store's bytes go bad after the upload was checked and stored.
    bed.storage().objects().delete(damaged.objectKey());
    bed.storage()
        .objects()
        .put(damaged.objectKey(), DamagedArrowStreams.stringOffsetPastItsData(folder));

    ErasureReceipt receipt = bed.erase(user, List.of("u1"));

    assertThat(receipt.completedAt()).isPresent();
    assertThat(receipt.unreadableObjects())
        .singleElement()
        .satisfies(
            unreadable -> {
              assertThat(unreadable.heldBy()).isEqualTo(ErasureReceipt.Holder.UPLOAD);
              assertThat(unreadable.id()).isEqualTo(damaged.id());
              assertThat(unreadable.objectKey()).isEqualTo(damaged.objectKey());
              assertThat(unreadable.reason()).contains("country");
            });
    assertThat(bed.keysInGroup("activity", "user_id")).containsExactly("u2");
    assertThat(bed.keysInUpload(spine.id(), "user_id")).containsExactly("u2");
    assertThat(bed.keysInOutput(trainingSet.id(), "user_id")).containsExactly("u2");
  }

  @Test
  void anObjectStoreThatCannotBeReachedFailsTheRunWhichThenResumes() throws Exception {
    Upload spine =
        bed.uploadCsv("user_id,event_time\nu1,2026-03-01T00:00:00Z\nu2,2026-03-01T00:00:00Z\n");
    UUID erasure = bed.record(user, List.of("u1"));
    KeyErasure cutOff =
        bed.eraserOver(new UnavailableObjectStore(bed.storage().objects(), spine.objectKey()));

    assertThatThrownBy(() -> bed.run(erasure, cutOff)).isInstanceOf(IOException.class);
    ErasureReceipt unfinished = bed.erasures().find(erasure).orElseThrow().receipt();
    assertThat(unfinished.completedAt()).isEmpty();
    assertThat(unfinished.unreadableObjects()).isEmpty();

    ErasureReceipt resumed = bed.run(erasure, bed.eraser());
    assertThat(resumed.unreadableObjects()).isEmpty();
    assertThat(bed.keysInUpload(spine.id(), "user_id")).containsExactly("u2");
  }

  @Test
  void anErasureRemovesTheKeyFromTheRequestOfATrainingSetThatFailed() throws Exception {
    String requestJson =
        """
        {"name":"failed","spine":{"rows":[{"user_id":"u1","event_time":"2026-03-01T00:00:00Z"},\
        {"user_id":"u2"}]},"features":[{"feature":"activity.clicks"}]}""";
    TrainingSetRequest request =
        new TrainingSetRequest(
            "failed",
            Optional.of(
                new InlineSpine(
                    List.of(
                        Map.of("user_id", "u1", "event_time", "2026-03-01T00:00:00Z"),
                        Map.of("user_id", "u2")))),
            Optional.empty(),
            Optional.empty(),
            CLICKS,
            Optional.empty(),
            requestJson);
    assertThatThrownBy(() -> bed.build(request)).isInstanceOf(InvalidInputException.class);
    TrainingSet failed =
        bed.trainingSets()
            .find(
                bed.trainingSets()
                    .list(
                        new TrainingSetListQuery(
                            Optional.of("failed"),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            1))
                    .getFirst()
                    .id())
            .orElseThrow();
    assertThat(failed.status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(failed.requestJson()).contains("u1");

    bed.erase(user, List.of("u1"));

    String scrubbed = bed.trainingSets().find(failed.id()).orElseThrow().requestJson();
    assertThat(scrubbed).doesNotContain("u1").contains("u2");
  }
}
