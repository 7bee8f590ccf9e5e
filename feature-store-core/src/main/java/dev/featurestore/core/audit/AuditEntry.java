package dev.featurestore.core.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** An event as the audit log recorded it: numbered (in write order) and timestamped. */
public record AuditEntry(long id, Instant occurredAt, AuditEvent event) {
  public AuditEntry {
    requireNonNull(occurredAt, "occurredAt is null");
    requireNonNull(event, "event is null");
  }
}
