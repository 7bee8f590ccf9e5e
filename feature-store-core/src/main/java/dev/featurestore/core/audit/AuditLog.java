package dev.featurestore.core.audit;

/**
 * Who did what, when: an append-only record of writes, training-set builds, lineage queries and
 * erasures. It never holds feature values (see {@link AuditEvent}).
 */
public interface AuditLog {
  AuditEntry record(AuditEvent event);

  AuditPage find(AuditQuery query);
}
