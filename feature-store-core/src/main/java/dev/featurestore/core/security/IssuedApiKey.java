package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

/** A key just issued: the only moment its secret is known, to be handed to its holder once. */
public record IssuedApiKey(ApiKey apiKey, String secret) {
  public IssuedApiKey {
    requireNonNull(apiKey, "apiKey is null");
    requireNonNull(secret, "secret is null");
  }

  @Override
  public String toString() {
    return "IssuedApiKey[apiKey=" + apiKey + ", secret=<hidden>]";
  }
}
