package dev.featurestore.api.openapi;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * Rows as JSON, as commits and inline spines take them; for the OpenAPI document only (the decoders
 * read the body as a stream).
 */
@Schema(name = "JsonRows", description = JsonRows.DESCRIPTION)
public record JsonRows(
    @ArraySchema(
            arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED),
            schema =
                @Schema(
                    type = "object",
                    additionalProperties = Schema.AdditionalPropertiesValue.TRUE))
        List<Map<String, Object>> rows) {
  public static final String DESCRIPTION =
      "Rows as objects: the entity's key column, event_time (an ISO-8601 instant) and one"
          + " property per column; null or absent is a null value.";
  public static final String EXAMPLE =
      "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T12:00:00Z\",\"clicks_7d\":3}]}";
  public static final String CSV_EXAMPLE =
      "user_id,event_time,clicks_7d\nu1,2026-03-01T12:00:00Z,3\n";

  /** A spine: keys and times to join features to, and a label carried through to the output. */
  public static final String SPINE_CSV_EXAMPLE =
      "user_id,event_time,label\nu1,2026-03-02T00:00:00Z,1\n";
}
