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
  LIFT_TOMBSTONE,
  ARCHIVE,
  UNARCHIVE,
  DELETE,
  /** A subject access bundle (GDPR art. 15) of one entity key was downloaded. */
  SUBJECT_ACCESS,
  /** A group's most recent rows were shown (discovery's preview). */
  PREVIEW,
  /** Feature values of a class that needs a grant (PII, SENSITIVE) were read. */
  READ
}
