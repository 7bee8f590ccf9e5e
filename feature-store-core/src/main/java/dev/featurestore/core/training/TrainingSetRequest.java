package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.join.ConsentPolicy;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.model.Names;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What a user asks for: a name, a spine (inline rows, all rows of a feature group, or an uploaded
 * file), the features, optionally the catalog version ({@code asOf}: a commit id or an ISO-8601
 * write time), and optionally the {@code purpose} the set is for: then only spine rows whose keys
 * had consent for it take part, the others being left out or kept without features as {@code
 * consentPolicy} says; optionally the {@code retention} of its output (how long after it was built
 * it is kept); and the {@code engine} the join runs on. The request as sent is kept as JSON so that
 * the training set can be rebuilt exactly.
 */
public record TrainingSetRequest(
    String name,
    Optional<InlineSpine> inlineSpine,
    Optional<String> spineFeatureGroup,
    Optional<UUID> spineUpload,
    List<FeatureReference> features,
    Optional<String> asOf,
    Optional<String> purpose,
    ConsentPolicy consentPolicy,
    MaxAge retention,
    TrainingSetEngine engine,
    String requestJson) {
  public TrainingSetRequest {
    Names.requireValid("name", name);
    requireNonNull(inlineSpine, "inlineSpine is null");
    requireNonNull(spineFeatureGroup, "spineFeatureGroup is null");
    requireNonNull(spineUpload, "spineUpload is null");
    if (Stream.of(inlineSpine, spineFeatureGroup, spineUpload).filter(Optional::isPresent).count()
        != 1) {
      throw new InvalidInputException(
          "spine", "give exactly one of spine.rows, spine.featureGroup or spine.upload");
    }
    features = List.copyOf(features);
    if (features.isEmpty()) {
      throw new InvalidInputException("features", "name at least one feature, as group:feature");
    }
    requireNonNull(asOf, "asOf is null");
    purpose.ifPresent(given -> Names.requireValid("purpose", given));
    requireNonNull(consentPolicy, "consentPolicy is null");
    requireNonNull(retention, "retention is null");
    requireNonNull(engine, "engine is null");
    requireNonNull(requestJson, "requestJson is null");
  }

  /** A request joined by this server, its output kept for ever. */
  public TrainingSetRequest(
      String name,
      Optional<InlineSpine> inlineSpine,
      Optional<String> spineFeatureGroup,
      Optional<UUID> spineUpload,
      List<FeatureReference> features,
      Optional<String> asOf,
      Optional<String> purpose,
      ConsentPolicy consentPolicy,
      String requestJson) {
    this(
        name,
        inlineSpine,
        spineFeatureGroup,
        spineUpload,
        features,
        asOf,
        purpose,
        consentPolicy,
        MaxAge.FOREVER,
        TrainingSetEngine.SERVER,
        requestJson);
  }

  /** A request without a purpose: every spine row takes part. */
  public TrainingSetRequest(
      String name,
      Optional<InlineSpine> inlineSpine,
      Optional<String> spineFeatureGroup,
      Optional<UUID> spineUpload,
      List<FeatureReference> features,
      Optional<String> asOf,
      String requestJson) {
    this(
        name,
        inlineSpine,
        spineFeatureGroup,
        spineUpload,
        features,
        asOf,
        Optional.empty(),
        ConsentPolicy.EXCLUDE,
        requestJson);
  }

  /** The same request, joined on {@code joinEngine}. */
  public TrainingSetRequest onEngine(TrainingSetEngine joinEngine) {
    return new TrainingSetRequest(
        name,
        inlineSpine,
        spineFeatureGroup,
        spineUpload,
        features,
        asOf,
        purpose,
        consentPolicy,
        retention,
        joinEngine,
        requestJson);
  }
}
