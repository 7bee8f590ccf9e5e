package dev.featurestore.api.problems;

import java.util.Optional;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;

/**
 * JSON bodies may not give a property twice: the server's mapper reads with Jackson's {@link
 * StreamReadFeature#STRICT_DUPLICATE_DETECTION}, so that {@code {"name":"a","name":"b"}} is refused
 * naming {@code name} rather than read as its last value.
 */
@Configuration(proxyBeanMethods = false)
public class DuplicateJsonProperty {
  public static final String MESSAGE = "is given twice";

  /** Jackson says so only in its message; matched here, once, and pinned by the tests. */
  private static final String JACKSON_MESSAGE = "Duplicate Object property";

  @Bean
  JsonMapperBuilderCustomizer strictDuplicateDetection() {
    return builder -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  }

  /**
   * The path of the property given twice, as {@code features[0].feature}, when that is the failure.
   */
  public static Optional<String> field(JacksonException failure) {
    if (failure instanceof StreamReadException read
        && read.processor() instanceof JsonParser parser
        && read.getOriginalMessage() != null
        && read.getOriginalMessage().startsWith(JACKSON_MESSAGE)) {
      return Optional.of(JsonBodyCheck.path(parser.streamReadContext()));
    }
    return Optional.empty();
  }
}
