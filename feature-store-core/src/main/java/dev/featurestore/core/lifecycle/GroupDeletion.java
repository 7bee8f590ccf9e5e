package dev.featurestore.core.lifecycle;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * A request to delete a feature group and what it did so far.
 *
 * @param jobId the job running it now (a new one when a failed run is asked for again)
 */
public record GroupDeletion(
    UUID id,
    String featureGroup,
    UUID jobId,
    DependentsPolicy policy,
    String principal,
    Instant createdAt,
    GroupDeletionReceipt receipt) {
  public GroupDeletion {
    requireNonNull(id, "id is null");
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(jobId, "jobId is null");
    requireNonNull(policy, "policy is null");
    requireNonNull(principal, "principal is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(receipt, "receipt is null");
  }
}
