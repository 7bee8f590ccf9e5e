package dev.featurestore.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.testing.HeaderLineSpineFiles;
import dev.featurestore.core.testing.InMemoryObjectStore;
import dev.featurestore.core.testing.InMemoryUploads;
import dev.featurestore.core.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spine uploads against in-memory fakes: what stays stored after each outcome of recording. */
class SpineUploaderTest {
  private static final UUID KEY_ID = UUID.randomUUID();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
  private final InMemoryUploads uploads = new InMemoryUploads(clock);
  private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
  private final BufferAllocator allocator = new RootAllocator();
  private final SpineUploader uploader =
      new SpineUploader(uploads, objects, new HeaderLineSpineFiles(), allocator, UploadLimits.NONE);

  @TempDir Path folder;

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void recordsTheUploadAndKeepsItsObject() throws IOException {
    Upload upload =
        uploader.upload(format(), spine("user_id,event_time", "u1,t", "u2,t"), "ann", KEY_ID);

    assertThat(upload.rows()).isEqualTo(2);
    assertThat(upload.columns())
        .extracting(Upload.Column::name)
        .containsExactly("user_id", SpineSource.SPINE_TIME);
    assertThat(uploads.find(upload.id())).contains(upload);
    assertThat(objects.keys()).containsExactly(ObjectLayout.upload(upload.id()));
  }

  @Test
  void aFileThatIsNoSpineStoresNothing() throws IOException {
    SpooledUpload spine = spine("user_id", "u1");

    assertThatThrownBy(() -> uploader.upload(format(), spine, "ann", KEY_ID))
        .isInstanceOf(InvalidInputException.class);
    assertThat(objects.keys()).isEmpty();
  }

  @Test
  void aFailedRecordDeletesTheStoredObject() throws IOException {
    uploads.failNextCreate(new IllegalStateException("constraint violated"));
    SpooledUpload spine = spine("user_id,event_time", "u1,t");

    assertThatThrownBy(() -> uploader.upload(format(), spine, "ann", KEY_ID))
        .hasMessage("constraint violated");
    assertThat(objects.keys()).isEmpty();
  }

  @Test
  void aDeleteThatFailsTooIsAddedToTheFailure() throws IOException {
    uploads.failNextCreate(new IllegalStateException("constraint violated"));
    objects.failNextDelete(new IOException("store down"));
    SpooledUpload spine = spine("user_id,event_time", "u1,t");

    assertThatThrownBy(() -> uploader.upload(format(), spine, "ann", KEY_ID))
        .hasMessage("constraint violated")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("store down"));
  }

  /**
   * The row may have been committed and point at the object: deleting it would break the upload.
   */
  @Test
  void anUnknownOutcomeDeletesNothing() throws IOException {
    uploads.failNextCreateAfterRecording(
        new CommitStateUnknownException("the connection broke during COMMIT", null));
    SpooledUpload spine = spine("user_id,event_time", "u1,t");

    assertThatThrownBy(() -> uploader.upload(format(), spine, "ann", KEY_ID))
        .isInstanceOf(CommitStateUnknownException.class);
    Upload recorded = uploads.withColumn("user_id").get(0);
    assertThat(objects.keys()).containsExactly(recorded.objectKey());
  }

  @Test
  void namesTheFormatsItAccepts() {
    assertThat(uploader.mediaTypes()).containsExactly("text/plain");
    assertThat(uploader.formatOf("text/csv")).isEmpty();
  }

  private static SpineFormat format() {
    return HeaderLineSpineFiles.FORMAT;
  }

  private SpooledUpload spine(String... lines) throws IOException {
    byte[] body = String.join("\n", List.of(lines)).getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(Files.createTempFile(folder, "spine-", ".txt"), body);
    return new SpooledUpload(file, body.length, "sha");
  }
}
