package dev.featurestore.api.problems;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.ReadNotGrantedException;
import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the same problem+json document as {@link ProblemResponses}, for listeners outside Spring
 * MVC.
 */
public final class ProblemJson {
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The member of a {@link ErrorCode#READ_NOT_GRANTED} problem that lists the features refused. */
  public static final String REFUSED_FEATURES = "refusedFeatures";

  private ProblemJson() {}

  public static void write(
      JsonGenerator json, ErrorCode code, String detail, List<FieldError> errors) {
    writeFields(json, code, detail, errors);
    json.writeEndObject();
  }

  /** An internal error, with the error id its log line carries. */
  public static void write(JsonGenerator json, UnexpectedFailure failure) {
    writeFields(json, ErrorCode.INTERNAL_ERROR, failure.detail(), List.of());
    json.writeStringProperty("errorId", failure.errorId());
    json.writeEndObject();
  }

  /** A read refused for want of a grant, naming each feature refused and its class. */
  public static void write(JsonGenerator json, ReadNotGrantedException refused) {
    writeFields(json, ErrorCode.READ_NOT_GRANTED, refused.getMessage(), List.of());
    json.writeName(REFUSED_FEATURES);
    json.writeStartArray();
    for (ClassifiedFeature feature : refused.features()) {
      json.writeStartObject();
      json.writeStringProperty("featureGroup", feature.featureGroup());
      json.writeStringProperty("feature", feature.feature());
      json.writeStringProperty("classification", feature.classification().name());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeFields(
      JsonGenerator json, ErrorCode code, String detail, List<FieldError> errors) {
    json.writeStartObject();
    json.writeStringProperty("type", code.type().toString());
    json.writeStringProperty("title", code.status().getReasonPhrase());
    json.writeNumberProperty("status", code.status().value());
    json.writeStringProperty("detail", detail);
    json.writeStringProperty("code", code.name());
    json.writeName("errors");
    json.writeStartArray();
    for (FieldError error : errors) {
      json.writeStartObject();
      json.writeStringProperty("field", error.field());
      json.writeStringProperty("message", error.message());
      json.writeEndObject();
    }
    json.writeEndArray();
  }
}
