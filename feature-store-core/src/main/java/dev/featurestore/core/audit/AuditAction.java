package dev.featurestore.core.audit;

/** What happened. Features add their own actions here (building, lineage queries, erasures). */
public enum AuditAction {
  CREATE,
  UPDATE,
  COMMIT,
  REVOKE,
  BUILD,
  LINEAGE_QUERY,
  ERASE,
  /** A compliance officer let an erased key back (the person came back). */
  LIFT_TOMBSTONE
}
