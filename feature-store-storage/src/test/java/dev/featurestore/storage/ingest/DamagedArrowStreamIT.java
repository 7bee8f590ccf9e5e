package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.testing.DamagedArrowStreams;
import dev.featurestore.testing.UploadBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Arrow stream whose framing is sound but whose buffers lie (the last string offset points far
 * past the column's data) is refused, naming the column, by commits and spine uploads alike:
 * stored, it made every later reader of the object fail, erasures included.
 */
class DamagedArrowStreamIT {
  @TempDir Path folder;
  private StorageTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = StorageTestBed.in(folder);
    bed.userGroup("profile", FeatureDefinition.scalar("country", FeatureType.STRING));
  }

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void aCommitWhoseStringOffsetPointsPastItsDataIsRefusedNamingTheColumn() throws Exception {
    Path stream = DamagedArrowStreams.stringOffsetPastItsData(folder);

    assertThatThrownBy(
            () ->
                bed.writer()
                    .append(
                        "profile",
                        UploadFormat.ARROW_STREAM,
                        new SpooledUpload(stream, Files.size(stream), "damaged"),
                        Optional.empty(),
                        "tester"))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            refused -> assertThat(refused.errors().get(0).field()).isEqualTo("country"));
    assertThat(bed.catalog().commits("profile")).isEmpty();
  }

  @Test
  void aSpineUploadWhoseStringOffsetPointsPastItsDataIsRefusedNamingTheColumn() throws Exception {
    Path stream = DamagedArrowStreams.stringOffsetPastItsData(folder);

    assertThatThrownBy(
            () ->
                SpineUploads.describe(
                    UploadFormat.ARROW_STREAM, stream, bed.allocator(), UploadLimits.NONE))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            refused -> assertThat(refused.errors().get(0).field()).isEqualTo("country"));
  }

  @Test
  void theSameStreamWithItsOffsetIntactIsAccepted() throws Exception {
    Path stream = UploadBodies.arrowStream(DamagedArrowStreams.ROWS, folder.resolve("valid.arrow"));

    assertThat(
            SpineUploads.describe(
                    UploadFormat.ARROW_STREAM, stream, bed.allocator(), UploadLimits.NONE)
                .rows())
        .isEqualTo(3);
  }
}
