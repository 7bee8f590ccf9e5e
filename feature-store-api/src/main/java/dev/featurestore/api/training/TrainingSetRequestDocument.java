package dev.featurestore.api.training;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The training-set request in all its forms, as the OpenAPI document shows it; the controller reads
 * the body as a tree so that each wrong field is named.
 */
@Schema(
    name = "TrainingSetRequest",
    description =
        "A spine (the rows to label: key column, event_time and any other columns) and the"
            + " features to join to each spine row as of its event time.")
record TrainingSetRequestDocument(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "A name for the set; several sets may share it",
            example = "churn_2026_11")
        String name,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            oneOf = {InlineSpine.class, GroupSpine.class, UploadedSpine.class})
        Object spine,
    @ArraySchema(
            arraySchema =
                @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description =
                        "group:feature, group:* for all of a group's features, or an object"
                            + " naming the output column"),
            schema = @Schema(oneOf = {String.class, AliasedFeature.class}))
        List<Object> features,
    @Schema(
            description =
                "The catalog version to read: a commit id, or a write time (ISO-8601 instant);"
                    + " the latest when absent. The same request with the same asOf always"
                    + " gives the same rows.",
            example = "2026-03-01T12:00:00Z")
        String asOf,
    @Schema(
            description =
                "What the set is for. Then only spine rows whose key had consent for this purpose"
                    + " at the row's event_time (the latest event of the <entity>_consent group"
                    + " for it says granted) take their features; see consentPolicy.",
            example = "churn_prediction")
        String purpose,
    @Schema(
            description =
                "With a purpose: EXCLUDE (default) leaves out the spine rows without consent;"
                    + " NULL_FEATURES keeps them with null features.",
            allowableValues = {"EXCLUDE", "NULL_FEATURES"})
        String consentPolicy,
    @Schema(
            description =
                "How long the output is kept after the set is built, an ISO-8601 duration"
                    + " (calendar years, months, weeks and days in UTC, exact hours and"
                    + " seconds); then the set becomes EXPIRED and its output is deleted."
                    + " Kept for ever when absent or PT0S.",
            example = "P90D")
        String retention,
    @Schema(
            description =
                "Where the point-in-time join runs: this server (default), or a Spark job through"
                    + " the Spark Connect server of feature-store.spark.connect-url (400 when none"
                    + " is configured). Same rows, inputs, lineage and consent either way.",
            allowableValues = {"server", "spark"})
        String engine) {
  static final String EXAMPLE =
      """
      {"name":"churn_2026_11",
       "spine":{"rows":[{"user_id":"u1","event_time":"2026-03-05T00:00:00Z","label":1}]},
       "features":[{"feature":"user_activity:clicks_7d","as":"clicks"}]}""";

  @Schema(
      name = "InlineSpine",
      description = "Spine rows sent with the request: joined while it waits (201)")
  record InlineSpine(
      @ArraySchema(
              arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
              schema =
                  @Schema(
                      type = "object",
                      additionalProperties = Schema.AdditionalPropertiesValue.TRUE))
          List<Map<String, Object>> rows) {}

  @Schema(
      name = "FeatureGroupSpine",
      description = "Every row of a feature group as the spine: a job (202)")
  record GroupSpine(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "labels")
          String featureGroup) {}

  @Schema(name = "UploadedSpine", description = "A spine from POST /api/v1/uploads: a job (202)")
  record UploadedSpine(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID upload) {}

  @Schema(name = "AliasedFeature")
  record AliasedFeature(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "user_profile:country")
          String feature,
      @Schema(description = "The output column's name", example = "country") String as) {}
}
