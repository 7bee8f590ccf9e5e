package dev.featurestore.api.security;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads an {@code Authorization} header, the same way on both ports (RFC 9110 section 11.4 and RFC
 * 6750 section 2.1): {@code credentials = auth-scheme 1*SP token68}. The scheme is
 * case-insensitive, so {@code bearer} and {@code BEARER} work as {@code Bearer}; one or more spaces
 * separate it from the key; spaces and tabs around the whole value are not part of it.
 */
public final class AuthorizationHeader {
  public static final String NAME = "Authorization";
  private static final String SCHEME = "Bearer";

  /** RFC 9110's token68: what an API key may be made of (a key is {@code fs_} and base64url). */
  private static final Pattern TOKEN68 = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  /** RFC 9110's token: what an authentication scheme may be made of. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  private AuthorizationHeader() {}

  /** What a request's {@code Authorization} header presents. */
  public sealed interface Credentials {}

  /** No header, or credentials of another scheme than Bearer: the caller sent no API key. */
  public record Absent() implements Credentials {}

  /** A header that breaks the syntax: a Bearer scheme without one key after it, or no scheme. */
  public record Malformed() implements Credentials {}

  /**
   * @param secret the API key as sent, still to be verified
   */
  public record BearerKey(String secret) implements Credentials {
    public BearerKey {
      requireNonNull(secret, "secret is null");
    }
  }

  /**
   * @param value the header's value, empty when the request has none
   */
  public static Credentials parse(Optional<String> value) {
    String credentials = value.map(AuthorizationHeader::stripOptionalWhitespace).orElse("");
    if (credentials.isEmpty()) {
      return new Absent();
    }
    int space = credentials.indexOf(' ');
    String scheme = space < 0 ? credentials : credentials.substring(0, space);
    if (!TOKEN.matcher(scheme).matches()) {
      return new Malformed();
    }
    if (!scheme.equalsIgnoreCase(SCHEME)) {
      return new Absent();
    }
    int keyStart = space < 0 ? credentials.length() : space;
    while (keyStart < credentials.length() && credentials.charAt(keyStart) == ' ') {
      keyStart++;
    }
    // Only spaces separate scheme and key (1*SP): a tab stays in the key and fails token68.
    String secret = credentials.substring(keyStart);
    return isToken68(secret) ? new BearerKey(secret) : new Malformed();
  }

  /** Whether {@code secret} can be sent as a bearer key at all: RFC 9110's token68. */
  public static boolean isToken68(String secret) {
    return TOKEN68.matcher(secret).matches();
  }

  /** RFC 9110's OWS: spaces and horizontal tabs. */
  private static String stripOptionalWhitespace(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isOptionalWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && isOptionalWhitespace(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  private static boolean isOptionalWhitespace(char c) {
    return c == ' ' || c == '\t';
  }
}
