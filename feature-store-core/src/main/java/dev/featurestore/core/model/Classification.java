package dev.featurestore.core.model;

/**
 * How sensitive a feature's values are, which decides who may read them (docs/security.md,
 * "Classification and grants"). A feature group has one for all its features; a feature may set its
 * own instead.
 */
public enum Classification {
  /** Fit to publish. */
  PUBLIC,
  /** For the organisation's own use; what a group is unless it says otherwise. */
  INTERNAL,
  /** Personal data: read only with a grant, and every read is audited. */
  PII,
  /** Special-category or otherwise harmful data (health, finance): as PII. */
  SENSITIVE;

  /** What a group is classified as when its definition does not say. */
  public static final Classification DEFAULT = INTERNAL;

  /** Whether reading values of this class needs a grant (and is audited). */
  public boolean needsGrant() {
    return this == PII || this == SENSITIVE;
  }
}
