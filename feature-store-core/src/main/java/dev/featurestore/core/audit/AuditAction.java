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
  ARCHIVE,
  UNARCHIVE,
  DELETE,
  /** Feature values of a class that needs a grant (PII, SENSITIVE) were read. */
  READ
}
