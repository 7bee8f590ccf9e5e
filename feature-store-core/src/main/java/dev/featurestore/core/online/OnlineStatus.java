package dev.featurestore.core.online;

/** What an online lookup found for one key and feature (Feast's field statuses). */
public enum OnlineStatus {
  /** The winning row has a value for the feature. */
  PRESENT,
  /** The winning row's value is null: null is a value, unlike {@link #NOT_FOUND}. */
  NULL_VALUE,
  /** No row of the key has an event time at or before now. */
  NOT_FOUND,
  /** The newest row at or before now is older than the group's TTL window. */
  OUTSIDE_TTL
}
