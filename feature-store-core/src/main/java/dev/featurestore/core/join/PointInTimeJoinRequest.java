package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A point-in-time join: the spine (one key column per entity involved, named after the entity, a
 * timestamp column named {@code spineTimeColumn}, and any columns that pass through) and the groups
 * to join, in output order. The caller keeps ownership of the spine.
 */
public record PointInTimeJoinRequest(
    VectorSchemaRoot spine, String spineTimeColumn, List<FeatureGroupRequest> groups) {
  public PointInTimeJoinRequest {
    requireNonNull(spine, "spine is null");
    requireNonNull(spineTimeColumn, "spineTimeColumn is null");
    groups = List.copyOf(groups);
  }
}
