package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A point-in-time join: the spine (one key column per entity involved, named after the entity, a
 * timestamp column named {@code spineTimeColumn}, and any columns that pass through), the groups to
 * join, in output order, and the consent the spine rows need, if the join has a purpose. The caller
 * keeps ownership of the spine.
 */
public record PointInTimeJoinRequest(
    VectorSchemaRoot spine,
    String spineTimeColumn,
    List<FeatureGroupRequest> groups,
    Optional<SpineConsent> consent) {
  public PointInTimeJoinRequest {
    requireNonNull(spine, "spine is null");
    requireNonNull(spineTimeColumn, "spineTimeColumn is null");
    groups = List.copyOf(groups);
    requireNonNull(consent, "consent is null");
  }

  /** A join without a purpose: every spine row takes its features. */
  public PointInTimeJoinRequest(
      VectorSchemaRoot spine, String spineTimeColumn, List<FeatureGroupRequest> groups) {
    this(spine, spineTimeColumn, groups, Optional.empty());
  }
}
