package dev.featurestore.api.online;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts the main port's online lookups as the lean listener counts its own: a filter ahead of
 * security, so that refused requests are counted with their status too.
 */
final class MainPortLookupTiming extends OncePerRequestFilter {
  private final OnlineLookupMetrics metrics;

  MainPortLookupTiming(OnlineLookupMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long started = System.nanoTime();
    int status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
    try {
      chain.doFilter(request, response);
      status = response.getStatus();
    } finally {
      // A failure that escaped the problem handlers becomes a 500 on the error page.
      metrics.lookedUp(OnlineLookupMetrics.Port.MAIN, status, System.nanoTime() - started);
    }
  }
}
