package dev.featurestore.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.testing.TestingS3Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class S3ObjectStoreIT extends ObjectStoreContractTest {
  /** Small parts so the contract's large object goes up in three parts (5 + 5 + 2 MiB). */
  private static final MultipartPolicy SMALL_PARTS =
      new MultipartPolicy(
          MultipartPolicy.MINIMUM_PART_SIZE_BYTES, MultipartPolicy.MINIMUM_PART_SIZE_BYTES);

  private final TestingS3Server server = TestingS3Server.instance();
  private String bucket;

  @Override
  protected ObjectStore createStore() {
    bucket = server.createBucket();
    return new S3ObjectStore(settings(server.endpoint(), bucket), SMALL_PARTS);
  }

  @Override
  protected ObjectStore createStoreWithMissingLocation() {
    return new S3ObjectStore(settings(server.endpoint(), "no-such-bucket-" + bucket), SMALL_PARTS);
  }

  @Test
  void largeFileIsUploadedInParts() throws IOException {
    Path file =
        Files.write(temporaryFolder.resolve("large.bin"), randomBytes(LARGE_OBJECT_BYTES, 5));

    store.put("large/object.bin", file);

    // A multipart object's ETag ends in "-<number of parts>".
    try (S3Client client = server.createClient()) {
      String eTag =
          client.headObject(request -> request.bucket(bucket).key("large/object.bin")).eTag();
      assertThat(eTag.replace("\"", "")).endsWith("-3");
    }
  }

  @Test
  void smallFileIsUploadedInOnePiece() throws IOException {
    Path file = Files.write(temporaryFolder.resolve("small.bin"), randomBytes(1000, 6));

    store.put("small.bin", file);

    try (S3Client client = server.createClient()) {
      String eTag = client.headObject(request -> request.bucket(bucket).key("small.bin")).eTag();
      assertThat(eTag).doesNotContain("-");
    }
  }

  @Test
  void completedMultipartUploadLeavesNoPendingUpload() throws IOException {
    Path file =
        Files.write(temporaryFolder.resolve("large.bin"), randomBytes(LARGE_OBJECT_BYTES, 7));

    store.put("large/object.bin", file);

    try (S3Client client = server.createClient()) {
      assertThat(client.listMultipartUploads(request -> request.bucket(bucket)).uploads())
          .isEmpty();
    }
  }

  @Test
  void isUnavailableWhenEndpointIsUnreachableAndSaysWhere() throws IOException {
    URI closedPort = URI.create("http://127.0.0.1:" + closedPort());
    try (S3ObjectStore unreachable = new S3ObjectStore(settings(closedPort, bucket), SMALL_PARTS)) {
      assertThatThrownBy(unreachable::checkAvailable)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(closedPort.toString())
          .hasMessageContaining(bucket);
    }
  }

  @Test
  void settingsDoNotShowTheSecretKey() {
    S3Settings settings = settings(server.endpoint(), bucket);

    assertThat(settings.toString()).doesNotContain(server.secretKey());
  }

  private S3Settings settings(URI endpoint, String bucketName) {
    return new S3Settings(
        Optional.of(endpoint),
        bucketName,
        server.region(),
        server.accessKey(),
        server.secretKey(),
        true);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
