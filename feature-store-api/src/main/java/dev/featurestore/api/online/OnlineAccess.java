package dev.featurestore.api.online;

/** An authenticator's verdict on an online request. */
public enum OnlineAccess {
  PERMITTED,
  /** No or unknown credentials: 401. */
  UNAUTHENTICATED,
  /** Known credentials without the right to look up features: 403. */
  FORBIDDEN
}
