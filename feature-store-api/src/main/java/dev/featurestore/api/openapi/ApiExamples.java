package dev.featurestore.api.openapi;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The examples of the OpenAPI document, as one story a newcomer can run from Swagger UI top to
 * bottom with *Try it out*: the entity {@code user_id}, its group {@code user_activity}, a commit,
 * a training set, the model {@code churn} version 1, the key {@code u1}'s lineage, its erasure and
 * the lifting of its tombstone when the person comes back. Each JSON request body gets its example
 * and each parameter naming a thing the name the story gives it; ids (of uploads, jobs, training
 * sets, erasures, keys) are the user's to paste. {@code SwaggerUiIT} runs the story in a browser,
 * so the examples cannot stop working.
 */
@Configuration
class ApiExamples {
  /** Request bodies by operation id; training sets, commits and lookups carry their own. */
  static final Map<String, String> BODIES =
      Map.ofEntries(
          Map.entry("issueApiKey", "{\"name\":\"training pipeline\",\"role\":\"DATA_SCIENTIST\"}"),
          Map.entry("createEntity", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"),
          Map.entry(
              "describeEntity",
              "{\"description\":\"A customer of the shop\",\"owner\":\"growth-team\","
                  + "\"tags\":[\"customer\"]}"),
          Map.entry(
              "createFeatureGroup",
              "{\"name\":\"user_activity\",\"entity\":\"user_id\",\"ttl\":\"P30D\",\"online\":true,"
                  + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\","
                  + "\"description\":\"Clicks in the last 7 days\"}]}"),
          Map.entry(
              "changeFeatureGroup",
              "{\"description\":\"What users did on the site\",\"owner\":\"growth-team\","
                  + "\"tags\":[\"web\",\"engagement\"]}"),
          Map.entry(
              "registerModel",
              "{\"name\":\"churn\",\"version\":\"1\","
                  + "\"trainingSets\":[\"<the id of a training set it learned from>\"],"
                  + "\"uri\":\"s3://models/churn/1\"}"),
          Map.entry("previewErasure", "{\"entity\":\"user_id\",\"keys\":[\"u1\"]}"),
          Map.entry(
              "createGrant",
              "{\"role\":\"DATA_SCIENTIST\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}"),
          Map.entry(
              "eraseKeys",
              "{\"entity\":\"user_id\",\"keys\":[\"u1\"],\"reason\":\"GDPR art. 17 request 2026-117\"}"));

  /** A parameter's example: the parameter of that name in paths that start with the prefix. */
  record ParameterExample(String pathPrefix, String parameter, String example) {}

  static final List<ParameterExample> PARAMETERS =
      List.of(
          new ParameterExample("/api/v1/entities/", "name", "user_id"),
          new ParameterExample("/api/v1/feature-groups/", "name", "user_activity"),
          new ParameterExample("/api/v1/models/", "name", "churn"),
          new ParameterExample("/api/v1/models/", "version", "1"),
          new ParameterExample("/api/v1/lineage/models/", "name", "churn"),
          new ParameterExample("/api/v1/lineage/models/", "version", "1"),
          new ParameterExample("/api/v1/lineage/feature-groups/", "name", "user_activity"),
          new ParameterExample("/api/v1/lineage/entities/", "entity", "user_id"),
          new ParameterExample("/api/v1/lineage/entities/", "key", "u1"),
          new ParameterExample("/api/v1/subjects/", "entity", "user_id"),
          new ParameterExample("/api/v1/subjects/", "key", "u1"),
          new ParameterExample("/api/v1/tombstones/", "entity", "user_id"),
          new ParameterExample("/api/v1/tombstones/", "key", "u1"),
          new ParameterExample("/api/v1/search", "q", "clicks"));

  @Bean
  OpenApiCustomizer storyExamples() {
    JsonMapper json = JsonMapper.builder().build();
    return openApi ->
        openApi
            .getPaths()
            .forEach(
                (path, item) ->
                    item.readOperations()
                        .forEach(
                            operation -> {
                              bodyExample(operation, json);
                              parameterExamples(path, operation);
                            }));
  }

  private static void bodyExample(Operation operation, JsonMapper json) {
    String example = BODIES.get(operation.getOperationId());
    if (example == null || operation.getRequestBody() == null) {
      return;
    }
    MediaType body = operation.getRequestBody().getContent().get("application/json");
    if (body != null) {
      body.setExample(json.readValue(example, Object.class));
    }
  }

  private static void parameterExamples(String path, Operation operation) {
    if (operation.getParameters() == null) {
      return;
    }
    for (Parameter parameter : operation.getParameters()) {
      PARAMETERS.stream()
          .filter(
              example ->
                  path.startsWith(example.pathPrefix())
                      && parameter.getName().equals(example.parameter()))
          .findFirst()
          .ifPresent(example -> parameter.setExample(example.example()));
    }
  }
}
