package dev.featurestore.storage.ingest;

import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Valid upload bodies in every format, for fuzzers to mutate: commits of 40 rows of 7 keys to a
 * group of every kind of feature ({@link #group}), and spines of 20 rows of the same keys.
 */
public final class ValidBodies {
  private static final String ROWS =
      "SELECT 'u' || (i % 7) AS user_id,"
          + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_hours(i) AS event_time,"
          + " i::BIGINT AS clicks_7d, i / 3.0 AS score, 'c' || i AS country,"
          + " [i, i + 0.5, -i]::FLOAT[] AS embedding FROM range(40) t(i)";
  private static final String SPINE_ROWS =
      "SELECT 'u' || (i % 7) AS user_id,"
          + " TIMESTAMPTZ '2026-03-02 00:00:00+00' + to_hours(i) AS event_time,"
          + " i % 2 AS label, 'note ' || i AS note FROM range(20) t(i)";

  private ValidBodies() {}

  /** A group the commit bodies fit: clicks_7d, score, country and a 3-float embedding. */
  public static FeatureGroup group(String name, Entity entity) {
    return new FeatureGroup(
        name,
        entity,
        List.of(
            FeatureDefinition.scalar("clicks_7d", FeatureType.INT64),
            FeatureDefinition.scalar("score", FeatureType.FLOAT64),
            FeatureDefinition.scalar("country", FeatureType.STRING),
            FeatureDefinition.vector("embedding", 3)),
        Duration.ZERO,
        false,
        "",
        1);
  }

  /**
   * A commit body for {@link #group}; Parquet and Arrow bodies are written under {@code folder}.
   */
  public static byte[] commit(UploadFormat format, Path folder) throws IOException, SQLException {
    return switch (format) {
      case JSON -> jsonRows();
      case CSV -> csvRows();
      case PARQUET -> written(UploadBodies.parquet(ROWS, scratch(folder)));
      case ARROW_STREAM -> written(UploadBodies.arrowStream(ROWS, scratch(folder)));
    };
  }

  /**
   * A spine upload body (user_id, event_time, label, note) in one of {@link SpineUploads#FORMATS}.
   */
  public static byte[] spine(UploadFormat format, Path folder) throws IOException, SQLException {
    return switch (format) {
      case CSV -> spineCsv();
      case PARQUET -> written(UploadBodies.parquet(SPINE_ROWS, scratch(folder)));
      case ARROW_STREAM -> written(UploadBodies.arrowStream(SPINE_ROWS, scratch(folder)));
      case JSON -> throw new IllegalArgumentException("JSON spines are sent inline");
    };
  }

  /** The body in {@code file} as the server spools it, with its SHA-256. */
  public static SpooledUpload spooled(Path file, byte[] body) {
    try {
      return new SpooledUpload(
          file,
          body.length,
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static Path scratch(Path folder) {
    return folder.resolve("valid-" + UUID.randomUUID());
  }

  private static byte[] written(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.delete(file);
    return bytes;
  }

  private static byte[] spineCsv() {
    StringBuilder csv = new StringBuilder("user_id,event_time,label,note\n");
    for (int i = 0; i < 20; i++) {
      csv.append("u")
          .append(i % 7)
          .append(",2026-03-02T")
          .append(String.format(java.util.Locale.ROOT, "%02d", i))
          .append(":00:00Z,")
          .append(i % 2)
          .append(",\"note, ")
          .append(i)
          .append("\"\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] jsonRows() {
    StringBuilder json = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < 40; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"user_id\":\"u")
          .append(i % 7)
          .append("\",\"event_time\":\"2026-03-01T0")
          .append(i % 10)
          .append(":00:00Z\",\"clicks_7d\":")
          .append(i)
          .append(",\"score\":")
          .append(i / 3.0)
          .append(",\"country\":\"c")
          .append(i)
          .append("\",\"embedding\":[")
          .append(i)
          .append(",0.5,-1]}");
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] csvRows() {
    StringBuilder csv = new StringBuilder("user_id,event_time,clicks_7d,score,country,embedding\n");
    for (int i = 0; i < 40; i++) {
      csv.append("u")
          .append(i % 7)
          .append(",2026-03-01T0")
          .append(i % 10)
          .append(":00:00Z,")
          .append(i)
          .append(',')
          .append(i / 3.0)
          .append(",\"c, ")
          .append(i)
          .append("\",\"[")
          .append(i)
          .append(", 0.5, -1]\"\n");
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }
}
