package dev.featurestore.core.audit;

/** What kind of object an audited action touched. */
public enum AuditTargetType {
  ENTITY,
  FEATURE_GROUP,
  API_KEY,
  TRAINING_SET,
  MODEL,
  ENTITY_KEY,
  UPLOAD,
  GRANT
}
