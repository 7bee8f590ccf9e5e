package dev.featurestore.api.ingest;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Merges a group's small files as a new commit: 201 with the commit, or 204 when there was nothing
 * to merge.
 */
@Tag(name = Tags.COMMITS)
@RestController
class CompactionController {
  private final FeatureGroupCompactor compactor;

  CompactionController(FeatureGroupCompactor compactor) {
    this.compactor = compactor;
  }

  @Operation(
      operationId = "compactFeatureGroup",
      summary = "Compact a feature group's small files",
      description =
          "Rewrites small files into fewer large ones as a new commit (201); 204 when there was"
              + " nothing to compact. The rows read the same before and after.")
  @ResponseStatus(HttpStatus.CREATED)
  @ApiResponse(responseCode = "204", description = "Nothing to compact")
  @Problems(ErrorCode.OBJECT_STORE_UNAVAILABLE)
  @PostMapping("/api/v1/feature-groups/{name}/compactions")
  ResponseEntity<CommitController.CommitView> compact(@PathVariable String name)
      throws IOException {
    return compactor
        .compact(name, Caller.current().name())
        .map(
            commit ->
                ResponseEntity.created(
                        URI.create("/api/v1/feature-groups/" + name + "/commits/" + commit.id()))
                    .body(CommitController.CommitView.of(commit)))
        .orElseGet(() -> ResponseEntity.noContent().build());
  }
}
