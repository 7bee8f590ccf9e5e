package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.security.AccessRules;
import dev.featurestore.api.security.AuthorizationHeader;
import dev.featurestore.api.security.Refusal;
import dev.featurestore.core.security.ApiKey;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The online listener's default check: the main port's policy, its header parsing ({@link
 * AuthorizationHeader}), access rules ({@link AccessRules}) and refusals. A key verified recently
 * is judged on the event loop; any other is looked up in Postgres on the key-check scheduler, so a
 * slow database or a stream of unknown keys never holds up the lookups sharing the loop. That
 * scheduler has few threads and a bounded queue: a stream of unknown keys takes at most that many
 * of the connection pool's connections from the main port, and requests beyond the queue are
 * refused.
 */
final class BearerKeyAuthenticator implements OnlineRequestAuthenticator {
  private final RecentlyVerifiedKeys keys;
  private final Scheduler keyChecks;

  BearerKeyAuthenticator(RecentlyVerifiedKeys keys, Scheduler keyChecks) {
    this.keys = requireNonNull(keys, "keys is null");
    this.keyChecks = requireNonNull(keyChecks, "keyChecks is null");
  }

  @Override
  public Mono<Verdict> authenticate(String path, Function<String, Optional<String>> header) {
    return switch (AuthorizationHeader.parse(header.apply(AuthorizationHeader.NAME))) {
      case AuthorizationHeader.Absent absent -> Mono.just(new Refused(Refusal.NO_API_KEY));
      case AuthorizationHeader.Malformed malformed ->
          Mono.just(new Refused(Refusal.MALFORMED_AUTHORIZATION));
      case AuthorizationHeader.BearerKey bearer -> {
        String secret = bearer.secret();
        Optional<ApiKey> recent = keys.recent(secret);
        yield recent.isPresent()
            ? Mono.just(verdict(recent, path))
            : Mono.fromCallable(() -> verdict(keys.verify(secret), path)).subscribeOn(keyChecks);
      }
    };
  }

  private static Verdict verdict(Optional<ApiKey> key, String path) {
    if (key.isEmpty()) {
      return new Refused(Refusal.UNKNOWN_OR_REVOKED_KEY);
    }
    return AccessRules.permits(key.get().role(), HttpMethod.POST, path)
        ? new Admitted(key.get())
        : new Refused(Refusal.ROLE_MAY_NOT_CALL);
  }
}
