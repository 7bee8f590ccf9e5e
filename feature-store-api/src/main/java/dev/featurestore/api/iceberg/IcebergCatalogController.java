package dev.featurestore.api.iceberg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.featurestore.api.security.Caller;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.api.training.TrainingSetReads;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.ReadNotGrantedException;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.iceberg.IcebergTables;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.Endpoint;
import org.apache.iceberg.rest.responses.ConfigResponse;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.GetNamespaceResponse;
import org.apache.iceberg.rest.responses.ListNamespacesResponse;
import org.apache.iceberg.rest.responses.ListTablesResponse;
import org.apache.iceberg.rest.responses.LoadTableResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Iceberg REST catalog protocol, read-only, so that Spark, Trino or PyIceberg read feature
 * groups and training sets with a URL and an API key. Answers are Iceberg's own response classes in
 * Iceberg's JSON; errors are Iceberg's error model, not problem details, since Iceberg's clients
 * parse them. The protocol's own specification (Iceberg's {@code rest-catalog-open-api.yaml}) is
 * the contract, so these paths are left out of our OpenAPI document.
 */
@Hidden
@RestController
@RequestMapping(path = "/iceberg/v1", produces = MediaType.APPLICATION_JSON_VALUE)
class IcebergCatalogController {
  /** What a client may call here: reads only, so that it never tries a write or metrics report. */
  private static final List<Endpoint> ENDPOINTS =
      List.of(
          Endpoint.V1_LIST_NAMESPACES,
          Endpoint.V1_LOAD_NAMESPACE,
          Endpoint.V1_NAMESPACE_EXISTS,
          Endpoint.V1_LIST_TABLES,
          Endpoint.V1_LOAD_TABLE,
          Endpoint.V1_TABLE_EXISTS);

  private static final List<String> NAMESPACES =
      List.of(IcebergTables.FEATURE_GROUPS, IcebergTables.TRAINING_SETS);

  private final IcebergTables tables;
  private final Catalog catalog;
  private final TrainingSetCatalog trainingSets;
  private final ReadAccess readAccess;
  private final TrainingSetReads trainingSetReads;
  private final ObjectMapper json = IcebergConfiguration.icebergJson();

  IcebergCatalogController(
      IcebergTables tables,
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      ReadAccess readAccess,
      TrainingSetReads trainingSetReads) {
    this.tables = tables;
    this.catalog = catalog;
    this.trainingSets = trainingSets;
    this.readAccess = readAccess;
    this.trainingSetReads = trainingSetReads;
  }

  @GetMapping("/config")
  String config() throws JsonProcessingException {
    return json.writeValueAsString(ConfigResponse.builder().withEndpoints(ENDPOINTS).build());
  }

  @GetMapping("/namespaces")
  String namespaces(@RequestParam(required = false) String parent) throws JsonProcessingException {
    ListNamespacesResponse.Builder answer = ListNamespacesResponse.builder();
    if (parent == null || parent.isEmpty()) {
      NAMESPACES.forEach(name -> answer.add(Namespace.of(name)));
    }
    return json.writeValueAsString(answer.build());
  }

  @GetMapping("/namespaces/{namespace}")
  String namespace(@PathVariable String namespace) throws JsonProcessingException {
    return json.writeValueAsString(
        GetNamespaceResponse.builder()
            .withNamespace(known(namespace))
            .setProperties(Map.of())
            .build());
  }

  @GetMapping("/namespaces/{namespace}/tables")
  String tables(@PathVariable String namespace) throws JsonProcessingException {
    Namespace known = known(namespace);
    List<String> names =
        namespace.equals(IcebergTables.FEATURE_GROUPS)
            ? tables.featureGroupTables()
            : tables.trainingSetTables(Caller.current().key().visibleOwner());
    ListTablesResponse.Builder answer = ListTablesResponse.builder();
    names.forEach(name -> answer.add(TableIdentifier.of(known, name)));
    return json.writeValueAsString(answer.build());
  }

  @GetMapping("/namespaces/{namespace}/tables/{table}")
  String table(@PathVariable String namespace, @PathVariable String table)
      throws JsonProcessingException {
    known(namespace);
    Caller caller = Caller.current();
    if (namespace.equals(IcebergTables.FEATURE_GROUPS)) {
      // A table holds every feature's values: PII and SENSITIVE ones need an OFFLINE grant.
      catalog
          .featureGroup(table)
          .ifPresent(
              group ->
                  readAccess.requireReadableOffline(caller.key(), ClassifiedFeature.allOf(group)));
    } else {
      // The rule of a download: the features the set holds, as classified and granted now.
      trainingSetId(table)
          .flatMap(trainingSets::find)
          .filter(caller::maySee)
          .ifPresent(
              trainingSet -> trainingSetReads.requireReadable(caller, trainingSet, "iceberg"));
    }
    IcebergTables.CaughtUp caughtUp =
        namespace.equals(IcebergTables.FEATURE_GROUPS)
            ? tables.featureGroup(table)
            : tables.trainingSet(table, caller::maySee);
    TableMetadata metadata = ((HasTableOperations) caughtUp.table()).operations().current();
    return json.writeValueAsString(LoadTableResponse.builder().withTableMetadata(metadata).build());
  }

  /** Every write of the protocol: the catalog is read-only for engines outside the server. */
  @RequestMapping(
      path = "/**",
      method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE})
  ResponseEntity<String> write() throws JsonProcessingException {
    return error(
        HttpStatus.FORBIDDEN,
        "ForbiddenException",
        "this catalog is read-only: feature groups change through the feature store's API");
  }

  @ExceptionHandler(ReadNotGrantedException.class)
  ResponseEntity<String> notGranted(ReadNotGrantedException e) throws JsonProcessingException {
    return error(HttpStatus.FORBIDDEN, "ForbiddenException", e.getMessage());
  }

  @ExceptionHandler(NotFoundException.class)
  ResponseEntity<String> notFound(NotFoundException e) throws JsonProcessingException {
    String type =
        e.getMessage().startsWith("namespace")
            ? "NoSuchNamespaceException"
            : "NoSuchTableException";
    return error(HttpStatus.NOT_FOUND, type, e.getMessage());
  }

  private static Optional<UUID> trainingSetId(String table) {
    try {
      return Optional.of(UUID.fromString(table));
    } catch (IllegalArgumentException e) {
      // Not a training set's name: the table is not found below.
      return Optional.empty();
    }
  }

  private static Namespace known(String namespace) {
    if (!NAMESPACES.contains(namespace)) {
      throw new NotFoundException("namespace " + namespace + " not found");
    }
    return Namespace.of(namespace);
  }

  private ResponseEntity<String> error(HttpStatus status, String type, String message)
      throws JsonProcessingException {
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            json.writeValueAsString(
                ErrorResponse.builder()
                    .responseCode(status.value())
                    .withType(type)
                    .withMessage(message)
                    .build()));
  }
}
