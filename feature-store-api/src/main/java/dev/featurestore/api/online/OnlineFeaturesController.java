package dev.featurestore.api.online;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.PayloadTooLargeException;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.online.OnlineIndexStats;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The online routes on the main port, for clients that do not use the lean listener. */
@Tag(name = Tags.ONLINE)
@RestController
class OnlineFeaturesController {
  private final OnlineFeatureLookup lookup;
  private final OnlineIndexes indexes;

  OnlineFeaturesController(OnlineFeatureLookup lookup, OnlineIndexes indexes) {
    this.lookup = lookup;
    this.indexes = indexes;
  }

  /** The answer is buffered: the groups' read views must not wait on a slow client. */
  @Operation(
      operationId = "getOnlineFeatures",
      summary = "Look up the latest feature values by key",
      description =
          "Feast's feature-server request and answer, snake_case names included, so a client"
              + " written for Feast works unchanged. The first result is the entity's keys, then"
              + " one per feature, in request order. Statuses: PRESENT, NULL_VALUE (the latest"
              + " value is null), NOT_FOUND (no row for the key), OUTSIDE_TTL (the latest row is"
              + " older than the group's TTL). Groups must be online (PATCH {\"online\":true})."
              + " PII and SENSITIVE features need an ONLINE grant (403 READ_NOT_GRANTED)."
              + " Also served by the online listener's port (see servers).",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = OnlineFeaturesDocument.Request.class),
                      examples = @ExampleObject(value = OnlineFeaturesDocument.REQUEST_EXAMPLE))))
  @ApiResponse(
      responseCode = "200",
      description = "One result per entity and feature",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = OnlineFeaturesDocument.Response.class),
              examples = @ExampleObject(value = OnlineFeaturesDocument.RESPONSE_EXAMPLE)))
  @Problems({
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.ONLINE_INDEX_UNAVAILABLE,
    ErrorCode.READ_NOT_GRANTED
  })
  @PostMapping(path = {"/api/v1/online-features", "/get-online-features"})
  ResponseEntity<byte[]> lookup(InputStream request) {
    byte[] body;
    try {
      body = request.readNBytes(OnlineFeatureLookup.MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw new InvalidInputException("body", "could not be read: " + e.getMessage());
    }
    if (body.length > OnlineFeatureLookup.MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(OnlineFeatureLookup.BODY_TOO_LARGE);
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream(8192);
    lookup.answer(Caller.current().key(), body, answer);
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer.toByteArray());
  }

  record IndexView(
      String featureGroup,
      long appliedSequence,
      int keys,
      int features,
      long pendingFutureRows,
      long reservedBytes,
      long garbageBytes,
      double bytesPerKeyPerFeature) {
    static IndexView of(OnlineIndexStats stats) {
      return new IndexView(
          stats.featureGroup(),
          stats.appliedSequence(),
          stats.keys(),
          stats.features(),
          stats.pendingFutureRows(),
          stats.reservedBytes(),
          stats.garbageBytes(),
          stats.bytesPerKeyPerFeature());
    }
  }

  record IndexesView(
      long memoryBudgetBytes,
      long memoryUsedBytes,
      List<IndexView> indexes,
      Map<String, String> refused) {}

  /** What each online index holds and costs, and the groups the memory budget refused. */
  @Operation(
      operationId = "listOnlineIndexes",
      summary = "What each online index holds and costs",
      description =
          "Keys, bytes and pending rows per online group, and the groups the memory"
              + " budget refused.")
  @GetMapping("/api/v1/online-indexes")
  IndexesView indexes() {
    return new IndexesView(
        indexes.budget().limitBytes(),
        indexes.budget().usedBytes(),
        indexes.stats().stream().map(IndexView::of).toList(),
        indexes.refusals());
  }
}
