package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The online listener's default check: the same bearer API keys as the main port. Model servers,
 * data scientists and admins may look up features, nobody else. A key verified recently is judged
 * on the event loop; any other is looked up in Postgres on the key-check scheduler, so a slow
 * database or a stream of unknown keys never holds up the lookups sharing the loop. That scheduler
 * has few threads and a bounded queue: a stream of unknown keys takes at most that many of the
 * connection pool's connections from the main port, and requests beyond the queue are refused.
 */
final class BearerKeyAuthenticator implements OnlineRequestAuthenticator {
  private static final String BEARER = "Bearer ";

  private final RecentlyVerifiedKeys keys;
  private final Scheduler keyChecks;

  BearerKeyAuthenticator(RecentlyVerifiedKeys keys, Scheduler keyChecks) {
    this.keys = requireNonNull(keys, "keys is null");
    this.keyChecks = requireNonNull(keyChecks, "keyChecks is null");
  }

  @Override
  public Mono<OnlineAccess> authenticate(Function<String, Optional<String>> header) {
    Optional<String> authorization = header.apply("Authorization");
    if (authorization.isEmpty() || !authorization.get().startsWith(BEARER)) {
      return Mono.just(OnlineAccess.UNAUTHENTICATED);
    }
    String secret = authorization.get().substring(BEARER.length()).strip();
    Optional<ApiKey> recent = keys.recent(secret);
    if (recent.isPresent()) {
      return Mono.just(access(recent));
    }
    return Mono.fromCallable(() -> access(keys.verify(secret))).subscribeOn(keyChecks);
  }

  private static OnlineAccess access(Optional<ApiKey> key) {
    if (key.isEmpty()) {
      return OnlineAccess.UNAUTHENTICATED;
    }
    Role role = key.get().role();
    return role == Role.MODEL_SERVER || role == Role.DATA_SCIENTIST || role == Role.ADMIN
        ? OnlineAccess.PERMITTED
        : OnlineAccess.FORBIDDEN;
  }
}
