package dev.featurestore.api.problems;

import dev.featurestore.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.AbstractJacksonHttpMessageConverter;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every JSON request body before it is bound, once for all endpoints: it may hold at most
 * {@link #MAX_BYTES} (it is read whole; large spines go through uploads), and no string in it may
 * hold U+0000, refused with the field. The catalog keeps request strings (names, descriptions,
 * keys, reasons, whole requests as jsonb) in Postgres, whose text cannot hold U+0000.
 */
@ControllerAdvice
final class JsonBodyCheck extends RequestBodyAdviceAdapter {
  static final String MESSAGE = "must not contain the character U+0000";

  static final int MAX_BYTES = 64 << 20;

  /** JSON can only spell U+0000 as this escape: a raw NUL byte is not valid JSON. */
  private static final byte[] ESCAPE = "\\u0000".getBytes(StandardCharsets.US_ASCII);

  private final JsonMapper json;

  JsonBodyCheck(JsonMapper json) {
    this.json = json;
  }

  @Override
  public boolean supports(
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return AbstractJacksonHttpMessageConverter.class.isAssignableFrom(converterType);
  }

  @Override
  public HttpInputMessage beforeBodyRead(
      HttpInputMessage message,
      MethodParameter parameter,
      Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType)
      throws IOException {
    byte[] body = message.getBody().readNBytes(MAX_BYTES + 1);
    if (body.length > MAX_BYTES) {
      throw new PayloadTooLargeException(
          "a JSON request body may have at most "
              + (MAX_BYTES >> 20)
              + " MiB; send a large spine as an upload (POST /api/v1/uploads)");
    }
    if (containsEscape(body)) {
      fieldHoldingNul(body)
          .ifPresent(
              field -> {
                throw new InvalidInputException(field, MESSAGE);
              });
    }
    return new HttpInputMessage() {
      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(body);
      }

      @Override
      public HttpHeaders getHeaders() {
        return message.getHeaders();
      }
    };
  }

  private static boolean containsEscape(byte[] body) {
    for (int from = 0; from + ESCAPE.length <= body.length; from++) {
      if (Arrays.equals(body, from, from + ESCAPE.length, ESCAPE, 0, ESCAPE.length)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first field whose value (or one of whose names) holds U+0000, as {@code spine.rows[0].key};
   * empty for an escaped backslash followed by {@code u0000}, and for invalid JSON, which the
   * converter reports itself.
   */
  private Optional<String> fieldHoldingNul(byte[] body) {
    try (JsonParser parser = json.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.PROPERTY_NAME && parser.currentName().indexOf('\0') >= 0) {
          TokenStreamContext object = parser.streamReadContext().getParent();
          return Optional.of(path(object));
        }
        if (token == JsonToken.VALUE_STRING && parser.getString().indexOf('\0') >= 0) {
          return Optional.of(path(parser.streamReadContext()));
        }
      }
    } catch (JacksonException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The field at which {@code context} stands, or "body" for the root. */
  static String path(TokenStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (TokenStreamContext at = context; !at.inRoot(); at = at.getParent()) {
      String segment =
          at.inArray()
              ? "[" + at.getCurrentIndex() + "]"
              : (at.getParent().inRoot() ? "" : ".") + at.currentName();
      path.insert(0, segment);
    }
    return path.isEmpty() ? "body" : path.toString();
  }
}
