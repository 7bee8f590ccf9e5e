package dev.featurestore.storage.objectstore;

import static dev.featurestore.storage.objectstore.ObjectKeys.requireValidKey;
import static dev.featurestore.storage.objectstore.ObjectKeys.requireValidPrefix;
import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects in one S3 bucket (AWS or an S3-compatible server), over AWS SDK v2. Files above the
 * {@link MultipartPolicy} threshold go up as multipart uploads, which S3 publishes only when
 * complete, so readers see the whole object or nothing either way.
 *
 * <p>Owns its HTTP connection pool: close the store when done.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
  private static final int HTTP_NOT_FOUND = 404;
  private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;

  private final S3Settings settings;
  private final MultipartPolicy multipartPolicy;
  private final S3Client client;

  public S3ObjectStore(S3Settings settings) {
    this(settings, MultipartPolicy.DEFAULT);
  }

  public S3ObjectStore(S3Settings settings, MultipartPolicy multipartPolicy) {
    this.settings = requireNonNull(settings, "settings is null");
    this.multipartPolicy = requireNonNull(multipartPolicy, "multipartPolicy is null");
    this.client = createClient(settings);
  }

  private static S3Client createClient(S3Settings settings) {
    var builder =
        S3Client.builder()
            .region(Region.of(settings.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
            .forcePathStyle(settings.pathStyle())
            // S3-compatible servers do not all accept the SDK's default trailing checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(configuration -> configuration.retryStrategy(RetryMode.STANDARD))
            .httpClient(
                ApacheHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60))
                    .build());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  @Override
  public void put(String key, Path file) throws IOException {
    requireValidKey(key);
    requireNonNull(file, "file is null");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > multipartPolicy.thresholdBytes()) {
        putInParts(key, channel, size);
        return;
      }
    }
    try {
      client.putObject(request -> request.bucket(settings.bucket()).key(key), file);
    } catch (SdkException e) {
      throw failure("put", key, e);
    }
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    requireValidKey(key);
    requireNonNull(bytes, "bytes is null");
    try {
      client.putObject(
          request -> request.bucket(settings.bucket()).key(key), RequestBody.fromBytes(bytes));
    } catch (SdkException e) {
      throw failure("put", key, e);
    }
  }

  private void putInParts(String key, FileChannel file, long size) throws IOException {
    int partSize = partSize(size);
    String uploadId;
    try {
      uploadId =
          client
              .createMultipartUpload(request -> request.bucket(settings.bucket()).key(key))
              .uploadId();
    } catch (SdkException e) {
      throw failure("start multipart upload of", key, e);
    }
    try {
      List<CompletedPart> parts = new ArrayList<>();
      ByteBuffer buffer = ByteBuffer.allocate(partSize);
      long position = 0;
      for (int partNumber = 1; position < size; partNumber++) {
        buffer.clear();
        readFully(file, buffer, position);
        buffer.flip();
        int number = partNumber;
        String eTag =
            client
                .uploadPart(
                    request ->
                        request
                            .bucket(settings.bucket())
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(number)
                            .contentLength((long) buffer.remaining()),
                    RequestBody.fromByteBuffer(buffer))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
        position += buffer.limit();
      }
      client.completeMultipartUpload(
          request ->
              request
                  .bucket(settings.bucket())
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(upload -> upload.parts(parts)));
    } catch (IOException | RuntimeException e) {
      // Uploaded parts are billed storage until aborted.
      abort(key, uploadId, e);
      if (e instanceof SdkException sdkException) {
        throw failure("upload parts of", key, sdkException);
      }
      throw e;
    }
  }

  private int partSize(long size) {
    // Bigger parts than configured only when the file would otherwise need too many.
    long needed = Math.ceilDiv(size, MultipartPolicy.MAXIMUM_PARTS);
    long partSize = Math.max(multipartPolicy.partSizeBytes(), needed);
    if (partSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("file of " + size + " bytes is too large to upload");
    }
    return (int) partSize;
  }

  private static void readFully(FileChannel file, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int read = file.read(buffer, position + buffer.position());
      if (read < 0) {
        break;
      }
    }
  }

  private void abort(String key, String uploadId, Exception cause) {
    try {
      client.abortMultipartUpload(
          request -> request.bucket(settings.bucket()).key(key).uploadId(uploadId));
    } catch (SdkException abortFailure) {
      cause.addSuppressed(abortFailure);
    }
  }

  @Override
  public InputStream get(String key) throws IOException {
    requireValidKey(key);
    try {
      return client.getObject(request -> request.bucket(settings.bucket()).key(key));
    } catch (SdkException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    requireValidKey(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must not be negative: offset " + offset + ", length " + length);
    }
    if (length == 0) {
      size(key); // an empty range cannot be asked for, yet a missing key must still fail
      return new byte[0];
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      return client
          .getObjectAsBytes(request -> request.bucket(settings.bucket()).key(key).range(range))
          .asByteArray();
    } catch (S3Exception e) {
      if (e.statusCode() == HTTP_RANGE_NOT_SATISFIABLE) {
        return new byte[0]; // the object exists and ends before offset
      }
      throw failure("get range of", key, e);
    } catch (SdkException e) {
      throw failure("get range of", key, e);
    }
  }

  @Override
  public long size(String key) throws IOException {
    requireValidKey(key);
    try {
      return client
          .headObject(request -> request.bucket(settings.bucket()).key(key))
          .contentLength();
    } catch (SdkException e) {
      throw failure("get size of", key, e);
    }
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    requireValidPrefix(prefix);
    try {
      // S3 returns keys in UTF-8 byte order, which is key order for the keys we allow.
      List<StoredObject> objects = new ArrayList<>();
      client
          .listObjectsV2Paginator(request -> request.bucket(settings.bucket()).prefix(prefix))
          .contents()
          .forEach(
              object ->
                  objects.add(
                      new StoredObject(object.key(), object.size(), object.lastModified())));
      return List.copyOf(objects);
    } catch (SdkException e) {
      throw failure("list", prefix + "*", e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    requireValidKey(key);
    try {
      // S3 answers 204 for a missing key too; the 404 branch covers servers that do not.
      client.deleteObject(request -> request.bucket(settings.bucket()).key(key));
    } catch (S3Exception e) {
      if (e.statusCode() != HTTP_NOT_FOUND || isMissingBucket(e)) {
        throw failure("delete", key, e);
      }
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public void checkAvailable() throws IOException {
    try {
      client.headBucket(request -> request.bucket(settings.bucket()));
    } catch (S3Exception e) {
      String reason =
          switch (e.statusCode()) {
            case HTTP_NOT_FOUND -> "the bucket does not exist";
            case 301, 400 -> "the bucket is in another region than " + settings.region();
            case 403 -> "access denied: check the access key, secret key and bucket policy";
            default -> "HTTP " + e.statusCode();
          };
      throw new ObjectStoreUnavailableException(
          "object store " + settings.location() + " is not available: " + reason, e);
    } catch (SdkException e) {
      throw new ObjectStoreUnavailableException(
          "object store "
              + settings.location()
              + " is not available: cannot reach the endpoint ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  @Override
  public String location() {
    return settings.location();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "S3ObjectStore[" + settings.location() + "]";
  }

  /**
   * Throws {@link NotFoundException} when the key (not the bucket) is missing; otherwise returns
   * the {@link ObjectStoreUnavailableException} for the caller to throw.
   */
  private ObjectStoreUnavailableException failure(String action, String key, SdkException e) {
    if (e instanceof NoSuchKeyException
        || (e instanceof S3Exception s3Exception
            && s3Exception.statusCode() == HTTP_NOT_FOUND
            && !isMissingBucket(s3Exception))) {
      throw new NotFoundException("no object " + key + " in " + settings.location());
    }
    return new ObjectStoreUnavailableException(
        "could not " + action + " " + key + " in " + settings.location() + ": " + e.getMessage(),
        e);
  }

  private static boolean isMissingBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }
}
