package dev.featurestore.api.online;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.featurestore.core.online.OnlineStatus;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The online lookup's request and answer as the OpenAPI document shows them; the lookup itself
 * reads and writes them with a streaming parser and generator, without these types.
 */
final class OnlineFeaturesDocument {
  static final String REQUEST_EXAMPLE =
      "{\"features\":[\"user_activity:clicks_7d\"],\"entities\":{\"user_id\":[\"u1\",\"u2\"]}}";
  static final String RESPONSE_EXAMPLE =
      """
      {"metadata":{"feature_names":["user_id","clicks_7d"]},"results":[\
      {"values":["u1","u2"],"statuses":["PRESENT","PRESENT"],\
      "event_timestamps":["1970-01-01T00:00:00Z","1970-01-01T00:00:00Z"]},\
      {"values":[3,null],"statuses":["PRESENT","NOT_FOUND"],\
      "event_timestamps":["2026-03-01T12:00:00Z","1970-01-01T00:00:00Z"]}]}""";

  private OnlineFeaturesDocument() {}

  @Schema(name = "OnlineFeaturesRequest")
  record Request(
      @ArraySchema(
              arraySchema =
                  @Schema(
                      requiredMode = Schema.RequiredMode.REQUIRED,
                      description = "group:feature, or group:* for all of a group's features"),
              schema = @Schema(example = "user_activity:clicks_7d"))
          List<String> features,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "One entity: its name and its keys (strings or integers)")
          Map<String, List<Object>> entities,
      @JsonProperty("full_feature_names")
          @Schema(description = "Name features group__feature in the answer")
          Boolean fullFeatureNames) {}

  @Schema(name = "OnlineFeaturesResponse")
  record Response(Metadata metadata, List<FeatureVector> results) {}

  record Metadata(@JsonProperty("feature_names") List<String> featureNames) {}

  @Schema(name = "OnlineFeatureVector")
  record FeatureVector(
      @Schema(description = "One value per key, null where there is none") List<Object> values,
      List<OnlineStatus> statuses,
      @JsonProperty("event_timestamps") List<Instant> eventTimestamps) {}
}
