package dev.featurestore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class TestingS3ServerIT {
  private final TestingS3Server server = TestingS3Server.instance();

  @Test
  void startsOncePerJvm() {
    assertThat(TestingS3Server.instance()).isSameAs(server);
  }

  @Test
  void listensOnLoopback() {
    assertThat(server.endpoint().getHost()).isIn("127.0.0.1", "localhost");
  }

  @Test
  void createsDistinctEmptyBuckets() {
    String first = server.createBucket();
    String second = server.createBucket();

    assertThat(first).isNotEqualTo(second);
    try (S3Client client = server.createClient()) {
      assertThat(client.listObjectsV2(request -> request.bucket(first)).contents()).isEmpty();
      assertThat(client.listObjectsV2(request -> request.bucket(second)).contents()).isEmpty();
    }
  }

  @Test
  void storesObjectsWithTheFixedCredentials() {
    String bucket = server.createBucket();
    try (S3Client client = server.createClient()) {
      client.putObject(
          request -> request.bucket(bucket).key("a/b.txt"), RequestBody.fromString("hello"));

      assertThat(
              client
                  .getObjectAsBytes(request -> request.bucket(bucket).key("a/b.txt"))
                  .asUtf8String())
          .isEqualTo("hello");
    }
  }
}
