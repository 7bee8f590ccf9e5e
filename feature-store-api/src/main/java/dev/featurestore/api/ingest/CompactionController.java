package dev.featurestore.api.ingest;

import dev.featurestore.api.security.Caller;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Merges a group's small files as a new commit: 201 with the commit, or 204 when there was nothing
 * to merge.
 */
@RestController
class CompactionController {
  private final FeatureGroupCompactor compactor;

  CompactionController(FeatureGroupCompactor compactor) {
    this.compactor = compactor;
  }

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
