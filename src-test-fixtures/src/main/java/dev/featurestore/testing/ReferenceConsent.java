package dev.featurestore.testing;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The consent a reference join requires: the purpose, what becomes of a spine row without consent,
 * and per entity a group of consent events, each row's values being {@code [purpose, granted]}
 * (either may be null).
 */
public record ReferenceConsent(String purpose, Policy policy, List<ReferenceFeatureGroup> groups) {
  /** A spine row without consent is left out, or kept with no winner in any group. */
  public enum Policy {
    EXCLUDE,
    NULL_FEATURES
  }

  public ReferenceConsent {
    requireNonNull(purpose, "purpose is null");
    requireNonNull(policy, "policy is null");
    groups = List.copyOf(groups);
  }
}
