package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A read needs feature values of a class the caller has no grant for. Maps to HTTP 403, naming
 * every such feature and its class.
 */
public class ReadNotGrantedException extends RuntimeException {
  private final ReadScope scope;
  private final List<ClassifiedFeature> features;

  public ReadNotGrantedException(ReadScope scope, List<ClassifiedFeature> features) {
    super(
        "reading these features "
            + requireNonNull(scope, "scope is null").name().toLowerCase(java.util.Locale.ROOT)
            + " needs a grant of their class: "
            + features.stream().map(ClassifiedFeature::toString).collect(Collectors.joining(", ")));
    this.scope = scope;
    this.features = List.copyOf(features);
  }

  public ReadScope scope() {
    return scope;
  }

  /** The features refused, in the order the read named them. */
  public List<ClassifiedFeature> features() {
    return features;
  }
}
