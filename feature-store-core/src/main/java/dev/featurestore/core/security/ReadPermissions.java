package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Classification;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who may read which classes of feature values, decided from the grants in force: PUBLIC and
 * INTERNAL features are readable by every key whose role may call the read; PII and SENSITIVE ones
 * only by a key holding a grant of that class and scope, given to the key itself or to its role. No
 * role reads them without a grant, ADMIN included (an administrator grants itself, which the audit
 * log shows).
 */
public final class ReadPermissions {
  private final List<Grant> grants;

  public ReadPermissions(List<Grant> grants) {
    this.grants = List.copyOf(requireNonNull(grants, "grants is null"));
  }

  /** The classes {@code reader} may read in {@code scope}. */
  public Set<Classification> readable(ApiKey reader, ReadScope scope) {
    EnumSet<Classification> readable = EnumSet.noneOf(Classification.class);
    for (Classification classification : Classification.values()) {
      if (!classification.needsGrant() || granted(reader, classification, scope)) {
        readable.add(classification);
      }
    }
    return readable;
  }

  /** The features among {@code features} that {@code reader} may not read in {@code scope}. */
  public List<ClassifiedFeature> unreadable(
      ApiKey reader, ReadScope scope, List<ClassifiedFeature> features) {
    Set<Classification> readable = readable(reader, scope);
    List<ClassifiedFeature> refused = new ArrayList<>();
    for (ClassifiedFeature feature : features) {
      if (!readable.contains(feature.classification())) {
        refused.add(feature);
      }
    }
    return refused;
  }

  /**
   * @throws ReadNotGrantedException naming every feature {@code reader} may not read
   */
  public void requireReadable(ApiKey reader, ReadScope scope, List<ClassifiedFeature> features) {
    List<ClassifiedFeature> refused = unreadable(reader, scope, features);
    if (!refused.isEmpty()) {
      throw new ReadNotGrantedException(scope, refused);
    }
  }

  private boolean granted(ApiKey reader, Classification classification, ReadScope scope) {
    for (Grant grant : grants) {
      if (grant.allows(reader, classification, scope)) {
        return true;
      }
    }
    return false;
  }
}
