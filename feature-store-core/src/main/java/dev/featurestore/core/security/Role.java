package dev.featurestore.core.security;

/** What an API key may do; the server's access rules say which endpoints each role reaches. */
public enum Role {
  /** Everything, including issuing and revoking API keys. */
  ADMIN,
  /** Defines entities and feature groups, commits rows, builds training sets, registers models. */
  DATA_SCIENTIST,
  /** Reads online features, nothing else. */
  MODEL_SERVER,
  /** Reads everything, asks lineage by key, runs erasures, reads the audit log. */
  COMPLIANCE
}
