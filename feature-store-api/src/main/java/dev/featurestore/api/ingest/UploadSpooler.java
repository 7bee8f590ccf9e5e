package dev.featurestore.api.ingest;

import dev.featurestore.api.problems.PayloadTooLargeException;
import dev.featurestore.core.ingest.SpooledUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Copies a request body to a temporary file, enforcing the size limit as bytes arrive. */
public final class UploadSpooler {
  private final Path temporaryFolder;
  private final long maxBytes;

  UploadSpooler(Path temporaryFolder, long maxBytes) {
    this.temporaryFolder = temporaryFolder;
    this.maxBytes = maxBytes;
  }

  /** The caller deletes {@link SpooledUpload#file()} when done. */
  public SpooledUpload spool(InputStream body, long declaredLength) throws IOException {
    if (declaredLength > maxBytes) {
      throw tooLarge();
    }
    MessageDigest sha256 = sha256();
    Path file = temporaryFolder.resolve("upload-" + UUID.randomUUID());
    long total = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int read = body.read(buffer); read != -1; read = body.read(buffer)) {
        total += read;
        if (total > maxBytes) {
          throw tooLarge();
        }
        sha256.update(buffer, 0, read);
        out.write(buffer, 0, read);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return new SpooledUpload(file, total, HexFormat.of().formatHex(sha256.digest()));
  }

  private PayloadTooLargeException tooLarge() {
    return new PayloadTooLargeException(
        "the body is larger than the limit of "
            + maxBytes
            + " bytes (feature-store.max-upload-size)");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
