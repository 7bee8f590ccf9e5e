package dev.featurestore.api.admission;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.problems.OverloadedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Lets at most {@code feature-store.limits.heavy-requests} commits, spine uploads and training-set
 * requests (whose inline spines are joined while the request waits) run at once. Each can take
 * hundreds of megabytes; four at once ran a 2 GB heap out of memory and failed all but one. A
 * request beyond the limit is refused at once with 503 and {@code Retry-After}, before its body is
 * read, rather than queued: a queue would hold its connection and its body just the same.
 */
@Component
final class HeavyRequests implements HandlerInterceptor, WebMvcConfigurer {
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private static final String PERMIT = HeavyRequests.class.getName() + ".permit";

  private final Semaphore permits;

  HeavyRequests(FeatureStoreProperties properties) {
    this.permits = new Semaphore(properties.limits().heavyRequests());
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(this)
        .addPathPatterns(
            "/api/v1/feature-groups/*/commits", "/api/v1/uploads", "/api/v1/training-sets");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!"POST".equals(request.getMethod())) {
      return true;
    }
    if (!permits.tryAcquire()) {
      throw new OverloadedException(
          "the server is running as many commits, uploads and training sets as it takes at once;"
              + " retry later",
          RETRY_AFTER);
    }
    request.setAttribute(PERMIT, Boolean.TRUE);
    return true;
  }

  @Override
  public void afterCompletion(
      HttpServletRequest request, HttpServletResponse response, Object handler, Exception failure) {
    if (request.getAttribute(PERMIT) != null) {
      request.removeAttribute(PERMIT);
      permits.release();
    }
  }
}
