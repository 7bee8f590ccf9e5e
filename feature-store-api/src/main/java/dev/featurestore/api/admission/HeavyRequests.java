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
 * Lets at most {@code feature-store.limits.heavy-requests} heavy commits, spine uploads and
 * training-set requests (whose inline spines are joined while the request waits) run at once: those
 * whose body is over {@link #HEAVY_BODY_BYTES} or of unknown length (chunked). Each can take
 * hundreds of megabytes; four 57 MB inline spines at once ran a 2 GB heap out of memory and failed
 * three. A request beyond the limit is refused at once with 503 and {@code Retry-After}, before its
 * body is read, rather than queued: a queue would hold its connection and its body just the same.
 * Small requests pass freely, so many small commits at once still all land.
 */
@Component
final class HeavyRequests implements HandlerInterceptor, WebMvcConfigurer {
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  static final long HEAVY_BODY_BYTES = 1L << 20;

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
    long bodyBytes = request.getContentLengthLong();
    if (!"POST".equals(request.getMethod()) || (bodyBytes >= 0 && bodyBytes <= HEAVY_BODY_BYTES)) {
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
