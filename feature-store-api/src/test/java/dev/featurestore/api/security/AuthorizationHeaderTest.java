package dev.featurestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.security.AuthorizationHeader.Absent;
import dev.featurestore.api.security.AuthorizationHeader.BearerKey;
import dev.featurestore.api.security.AuthorizationHeader.Malformed;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthorizationHeaderTest {
  private static final String KEY = "fs_Abc-_09";

  @Test
  void readsTheSchemeWhateverItsCase() {
    for (String scheme : new String[] {"Bearer", "bearer", "BEARER", "bEaReR"}) {
      assertThat(parse(scheme + " " + KEY)).as(scheme).isEqualTo(new BearerKey(KEY));
    }
  }

  @Test
  void takesOneOrMoreSpacesAfterTheSchemeAndStripsWhitespaceAroundTheValue() {
    assertThat(parse("Bearer    " + KEY)).isEqualTo(new BearerKey(KEY));
    assertThat(parse(" \tBearer " + KEY + " \t")).isEqualTo(new BearerKey(KEY));
  }

  @Test
  void acceptsEveryToken68Character() {
    String key = "AZaz09-._~+/==";
    assertThat(parse("Bearer " + key)).isEqualTo(new BearerKey(key));
  }

  @Test
  void noHeaderOrAnotherSchemeIsNoKey() {
    assertThat(AuthorizationHeader.parse(Optional.empty())).isEqualTo(new Absent());
    assertThat(parse("")).isEqualTo(new Absent());
    assertThat(parse("  ")).isEqualTo(new Absent());
    assertThat(parse("Basic dXNlcjpwYXNz")).isEqualTo(new Absent());
    assertThat(parse("Bearerx " + KEY)).isEqualTo(new Absent());
  }

  @Test
  void aBearerSchemeWithoutExactlyOneToken68IsMalformed() {
    for (String value :
        new String[] {
          "Bearer",
          "Bearer ",
          "Bearer " + KEY + " more",
          "Bearer\t" + KEY,
          "Bearer  \t" + KEY,
          "Bearer " + KEY + "=x",
          "Bearer realm=\"x\"",
          "Bearer ké",
          "Bearer ,"
        }) {
      assertThat(parse(value)).as(value).isEqualTo(new Malformed());
    }
  }

  @Test
  void aValueWithoutAValidSchemeIsMalformed() {
    assertThat(parse("\"Bearer\" " + KEY)).isEqualTo(new Malformed());
    assertThat(parse("=abc")).isEqualTo(new Malformed());
  }

  private static AuthorizationHeader.Credentials parse(String value) {
    return AuthorizationHeader.parse(Optional.of(value));
  }
}
