package dev.featurestore.api.online;

import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a request to the lean online listener may look up features. The listener runs
 * outside the servlet stack, so servlet security filters do not see its requests; declaring a bean
 * of this type replaces the default, which permits every request.
 */
@FunctionalInterface
public interface OnlineRequestAuthenticator {
  /**
   * @param header the request's header of a name, if present
   */
  OnlineAccess authenticate(Function<String, Optional<String>> header);

  static OnlineRequestAuthenticator permitAll() {
    return header -> OnlineAccess.PERMITTED;
  }
}
