package dev.featurestore.api.problems;

import dev.featurestore.core.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a request parameter holding U+0000 (such as {@code ?key=u%00}), naming it, for the same
 * reason as {@link JsonBodyCheck}: parameters become Postgres query arguments. Tomcat itself
 * refuses U+0000 in the path.
 */
@Component
final class NulCharacterParameterCheck implements HandlerInterceptor, WebMvcConfigurer {
  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this);
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
      if (parameter.getKey().indexOf('\0') >= 0) {
        throw new InvalidInputException("query", "a parameter name holds U+0000");
      }
      for (String value : parameter.getValue()) {
        if (value.indexOf('\0') >= 0) {
          throw new InvalidInputException(parameter.getKey(), JsonBodyCheck.MESSAGE);
        }
      }
    }
    return true;
  }
}
