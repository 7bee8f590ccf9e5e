package dev.featurestore.api.openapi;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemJson;
import dev.featurestore.core.ingest.RowMediaTypes;
import dev.featurestore.core.model.Classification;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;
import io.swagger.v3.oas.models.servers.ServerVariables;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served OpenAPI document ({@code /v3/api-docs}) beyond what springdoc reads from the
 * controllers: the Bearer scheme every call needs, the problem+json answers each operation may give
 * with their error codes, the {@code Location} of everything created or accepted, and the online
 * listener's port as a second server of the lookup paths.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {
  static final String BEARER = "bearer";
  static final String PROBLEM = "Problem";

  /** What any operation may answer: a bad parameter, no key, a path the role may not use... */
  static final List<ErrorCode> EVERY_OPERATION =
      List.of(
          ErrorCode.INVALID_INPUT,
          ErrorCode.UNAUTHENTICATED,
          ErrorCode.NOT_FOUND,
          ErrorCode.CATALOG_UNAVAILABLE,
          ErrorCode.OVERLOADED,
          ErrorCode.INTERNAL_ERROR);

  /** The paths the online listener serves besides the main port. */
  static final List<String> ONLINE_PATHS =
      List.of("/api/v1/online-features", "/get-online-features");

  @Bean
  OpenAPI featureStoreApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("Feature store")
                .version("v1")
                .description(
                    """
                    Feature groups of entities, committed rows with event times, point-in-time \
                    correct training sets, online lookups, lineage and erasure.

                    Every call needs an API key: `Authorization: Bearer <key>` (use *Authorize*). \
                    Errors are RFC 9457 `application/problem+json` documents with a stable `code` \
                    and, where a field is at fault, `errors: [{field, message}]`. Lists answer a \
                    page at a time: follow the `Link: <...>; rel="next"` header \
                    (docs/pagination.md)."""))
        .servers(List.of(new Server().url("/").description("the main port")))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER,
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description(
                            "An API key (fs_...): the first admin key is in <data dir>/admin.key;"
                                + " POST /api/v1/api-keys issues more."))
                .addSchemas(PROBLEM, problemSchema()))
        .tags(Tags.ALL)
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }

  /**
   * RFC 9457's members, and ours: {@code code}, {@code errors}, {@code errorId}, and what a refused
   * change of a group's life names.
   */
  private static Schema<?> problemSchema() {
    Schema<Object> fieldError =
        new ObjectSchema()
            .addProperty("field", new StringSchema().example("features[0]"))
            .addProperty("message", new StringSchema().example("feature group 'x' not found"))
            .required(List.of("field", "message"));
    return new ObjectSchema()
        .description(
            "An RFC 9457 problem: what went wrong and, in errors, which field; no type means"
                + " about:blank")
        .addProperty(
            "type", new StringSchema().format("uri-reference").example("/problems/invalid-input"))
        .addProperty("title", new StringSchema().example("Bad Request"))
        .addProperty("status", new IntegerSchema().example(400))
        .addProperty("detail", new StringSchema().example("features[0]: is required"))
        .addProperty("instance", new StringSchema().format("uri-reference"))
        .addProperty(
            "code",
            new StringSchema()
                .example(ErrorCode.INVALID_INPUT.name())
                .description(
                    "The stable error code: one of "
                        + Arrays.stream(ErrorCode.values())
                            .map(Enum::name)
                            .collect(Collectors.joining(", "))
                        + "; the HTTP status's name (BAD_REQUEST) where the web server refused"
                        + " the request before the API saw it; absent on Spring MVC's own"
                        + " refusals (405, 406)"))
        .addProperty("errors", new ArraySchema().items(fieldError))
        .addProperty(
            "errorId",
            new StringSchema()
                .description("On INTERNAL_ERROR: the id the server's log line carries"))
        .addProperty(
            "featureGroup",
            new StringSchema()
                .description(
                    "On a commit refused by an archived group, or a deletion refused while the"
                        + " group is in use: the group"))
        .addProperty(
            "trainingSets",
            new ArraySchema()
                .items(
                    new ObjectSchema()
                        .addProperty("id", new StringSchema().format("uuid"))
                        .addProperty("name", new StringSchema()))
                .description("On a deletion refused: the training sets that read the group"))
        .addProperty(
            "models",
            new ArraySchema()
                .items(
                    new ObjectSchema()
                        .addProperty("name", new StringSchema())
                        .addProperty("version", new StringSchema()))
                .description("On a deletion refused: the models trained on those training sets"))
        .addProperty(
            ProblemJson.REFUSED_FEATURES,
            new ArraySchema()
                .description("On READ_NOT_GRANTED: each feature refused, with its class")
                .items(
                    new ObjectSchema()
                        .addProperty("featureGroup", new StringSchema().example("user_profile"))
                        .addProperty("feature", new StringSchema().example("email"))
                        .addProperty(
                            "classification",
                            new StringSchema()
                                .example(Classification.PII.name())
                                ._enum(
                                    Arrays.stream(Classification.values())
                                        .map(Enum::name)
                                        .toList()))
                        .required(List.of("featureGroup", "feature", "classification"))))
        .required(List.of("title", "status"));
  }

  @Bean
  OperationCustomizer problemAnswers() {
    return (operation, handlerMethod) -> {
      Problems extra = handlerMethod.getMethodAnnotation(Problems.class);
      Stream<ErrorCode> codes =
          Stream.of(
                  EVERY_OPERATION.stream(),
                  extra == null ? Stream.<ErrorCode>empty() : Arrays.stream(extra.value()),
                  // JSON bodies have a size limit (JsonBodyCheck).
                  operation.getRequestBody() == null
                      ? Stream.<ErrorCode>empty()
                      : Stream.of(ErrorCode.PAYLOAD_TOO_LARGE))
              .flatMap(Function.identity());
      Map<Integer, Set<ErrorCode>> byStatus =
          codes.collect(
              Collectors.groupingBy(
                  code -> code.status().value(),
                  TreeMap::new,
                  Collectors.toCollection(() -> EnumSet.noneOf(ErrorCode.class))));
      ApiResponses responses =
          operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
      byStatus.forEach(
          (status, statusCodes) ->
              responses.addApiResponse(String.valueOf(status), problemResponse(statusCodes)));
      responses.forEach(
          (status, response) -> {
            if (status.equals("204")) {
              response.setContent(null);
            }
            if (status.equals("201") || status.equals("202")) {
              response.addHeaderObject(
                  "Location",
                  new Header()
                      .description(
                          status.equals("201")
                              ? "Where the created resource is"
                              : "The job to poll: GET it until its status is final")
                      .schema(new StringSchema().format("uri-reference")));
            }
          });
      describePaging(operation);
      return operation.responses(responses);
    };
  }

  /** Lists that take limit and pageToken answer the next page's URL in a Link header. */
  private static void describePaging(Operation operation) {
    if (operation.getParameters() == null) {
      return;
    }
    boolean paged = false;
    for (Parameter parameter : operation.getParameters()) {
      switch (parameter.getName()) {
        case "limit" -> {
          paged = true;
          parameter.description(
              "Items per page, 1 to "
                  + PageRequest.MAX_LIMIT
                  + " (default "
                  + PageRequest.DEFAULT_LIMIT
                  + ")");
        }
        case "pageToken" ->
            parameter.description(
                "Where the page starts: the token in the previous page's Link header");
        default -> {}
      }
    }
    ApiResponse ok = operation.getResponses() == null ? null : operation.getResponses().get("200");
    if (paged
        && ok != null
        && operation.getParameters().stream().anyMatch(p -> p.getName().equals("pageToken"))) {
      ok.addHeaderObject(
          "Link",
          new Header()
              .description("<the next page's path and query>; rel=\"next\" when there is one")
              .schema(new StringSchema()));
    }
  }

  private static ApiResponse problemResponse(Set<ErrorCode> codes) {
    String description =
        codes.stream()
            .map(code -> "`" + code.name() + "`: " + ErrorCodeDescriptions.of(code))
            .collect(Collectors.joining("\n\n"));
    ApiResponse response =
        new ApiResponse()
            .description(description)
            .content(
                new Content()
                    .addMediaType(
                        ProblemJson.MEDIA_TYPE,
                        new MediaType()
                            .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    if (codes.contains(ErrorCode.UNAUTHENTICATED)) {
      response.addHeaderObject(
          "WWW-Authenticate",
          new Header().description("Bearer, with the reason").schema(new StringSchema()));
    }
    return response;
  }

  @Bean
  OperationCustomizer rowsBodies() {
    return (operation, handlerMethod) -> {
      RowsBody rows = handlerMethod.getMethodAnnotation(RowsBody.class);
      if (rows == null) {
        return operation;
      }
      Content content = new Content();
      for (String mediaType : rows.value()) {
        content.addMediaType(mediaType, rowsIn(mediaType, rows.csvExample()));
      }
      return operation.requestBody(new RequestBody().required(true).content(content));
    };
  }

  private static MediaType rowsIn(String mediaType, String csvExample) {
    return switch (mediaType) {
      case RowMediaTypes.JSON ->
          new MediaType()
              .schema(
                  new ObjectSchema()
                      .description(JsonRows.DESCRIPTION)
                      .addProperty(
                          "rows",
                          new ArraySchema()
                              .items(new ObjectSchema().additionalProperties(Boolean.TRUE)))
                      .required(List.of("rows")))
              .example(JsonMapper.builder().build().readValue(JsonRows.EXAMPLE, Map.class));
      case RowMediaTypes.CSV ->
          new MediaType()
              .schema(new StringSchema().description("A header row naming the columns, then rows"))
              .example(csvExample);
      default -> new MediaType().schema(new StringSchema().format("binary"));
    };
  }

  /** The lookup paths answer on the online listener's port too; its health check only there. */
  @Bean
  OpenApiCustomizer onlineListenerServer(FeatureStoreProperties properties) {
    return openApi -> {
      Server mainPort = new Server().url("/").description("the main port");
      Server onlinePort =
          new Server()
              .url("{scheme}://{host}:{port}")
              .description(
                  "the online listener (feature-store.online-port): lookups only, for model"
                      + " servers")
              .variables(
                  new ServerVariables()
                      .addServerVariable(
                          "scheme",
                          new ServerVariable()._enum(List.of("http", "https"))._default("http"))
                      .addServerVariable("host", new ServerVariable()._default("localhost"))
                      .addServerVariable(
                          "port",
                          new ServerVariable()._default(String.valueOf(properties.onlinePort()))));
      for (String path : ONLINE_PATHS) {
        PathItem item = openApi.getPaths().get(path);
        if (item != null) {
          item.servers(List.of(mainPort, onlinePort));
        }
      }
      openApi
          .getPaths()
          .addPathItem("/health", new PathItem().servers(List.of(onlinePort)).get(onlineHealth()));
    };
  }

  private static Operation onlineHealth() {
    Schema<Object> up = new ObjectSchema().addProperty("status", new StringSchema().example("UP"));
    ApiResponse ok =
        new ApiResponse()
            .description("Up")
            .content(new Content().addMediaType("application/json", new MediaType().schema(up)));
    return new Operation()
        .operationId("onlineListenerHealth")
        .summary("Whether the online listener is up")
        .description(
            "Answered by the online listener only, without a key; the main port's health is"
                + " /actuator/health.")
        .addTagsItem(Tags.ONLINE)
        .security(List.of())
        .responses(new ApiResponses().addApiResponse("200", ok));
  }
}
