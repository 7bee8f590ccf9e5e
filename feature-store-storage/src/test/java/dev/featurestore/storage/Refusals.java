package dev.featurestore.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on bad input: refused with exactly one field at fault and its message. */
public final class Refusals {
  private Refusals() {}

  public static void assertRefused(ThrowingCallable call, String field, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors()).containsExactly(new FieldError(field, message)));
  }
}
