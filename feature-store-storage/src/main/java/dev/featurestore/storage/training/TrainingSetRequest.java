package dev.featurestore.storage.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Names;
import java.util.List;
import java.util.Optional;

/**
 * What a user asks for: a name, a spine (inline rows or all rows of a feature group), the features,
 * and optionally the catalog version ({@code asOf}: a commit id or an ISO-8601 write time). The
 * request as sent is kept as JSON so that the training set can be rebuilt exactly.
 */
public record TrainingSetRequest(
    String name,
    Optional<InlineSpine> inlineSpine,
    Optional<String> spineFeatureGroup,
    List<FeatureReference> features,
    Optional<String> asOf,
    String requestJson) {
  public TrainingSetRequest {
    Names.requireValid("name", name);
    requireNonNull(inlineSpine, "inlineSpine is null");
    requireNonNull(spineFeatureGroup, "spineFeatureGroup is null");
    if (inlineSpine.isPresent() == spineFeatureGroup.isPresent()) {
      throw new InvalidInputException(
          "spine", "give either spine.rows or spine.featureGroup (exactly one)");
    }
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new InvalidInputException("features", "name at least one feature, as group:feature");
    }
    requireNonNull(asOf, "asOf is null");
    requireNonNull(requestJson, "requestJson is null");
  }
}
