package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.security.Refusal;
import dev.featurestore.core.security.ApiKey;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Decides whether a request to the lean online listener may look up features. The listener runs
 * outside the servlet stack, so servlet security filters do not see its requests; declaring a bean
 * of this type replaces the default, {@link BearerKeyAuthenticator}. The listener answers a refusal
 * as the main port answers the same one.
 *
 * <p>It is called on an event loop, which serves every other connection of that loop too: a verdict
 * that needs blocking I/O must be computed on another scheduler (the returned {@code Mono} then
 * completes there).
 */
@FunctionalInterface
public interface OnlineRequestAuthenticator {
  /** Whether a request may look up features, and as which key: its grants decide what it reads. */
  sealed interface Verdict {}

  record Admitted(ApiKey reader) implements Verdict {
    public Admitted {
      requireNonNull(reader, "reader is null");
    }
  }

  record Refused(Refusal refusal) implements Verdict {
    public Refused {
      requireNonNull(refusal, "refusal is null");
    }
  }

  /**
   * @param path the request's path, without query
   * @param header the request's header of a name, if present
   * @return the key the request looks up features as, or why it is refused
   */
  Mono<Verdict> authenticate(String path, Function<String, Optional<String>> header);
}
