package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A request to erase keys of an entity, and its receipt. Its id is the id of the job that runs it.
 * The keys themselves are kept only until the erasure completes (so that a restarted server can
 * finish it); afterwards {@code pendingKeys} is empty and only their keyed digests ({@link
 * KeyDigests}), {@code keyDigests}, remain.
 */
public record Erasure(
    UUID id,
    String entity,
    List<String> pendingKeys,
    List<String> keyDigests,
    int keyCount,
    String reason,
    String principal,
    Instant createdAt,
    ErasureReceipt receipt) {
  public Erasure {
    requireNonNull(id, "id is null");
    requireNonNull(entity, "entity is null");
    pendingKeys = List.copyOf(pendingKeys);
    keyDigests = List.copyOf(keyDigests);
    requireNonNull(reason, "reason is null");
    requireNonNull(principal, "principal is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(receipt, "receipt is null");
  }
}
