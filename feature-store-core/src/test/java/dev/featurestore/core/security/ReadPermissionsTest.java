package dev.featurestore.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Classification;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReadPermissionsTest {
  private static final ApiKey SCIENTIST = key(Role.DATA_SCIENTIST);
  private static final ApiKey OTHER_SCIENTIST = key(Role.DATA_SCIENTIST);
  private static final ApiKey MODEL_SERVER = key(Role.MODEL_SERVER);
  private static final ApiKey ADMIN = key(Role.ADMIN);

  private static final ClassifiedFeature CLICKS =
      new ClassifiedFeature("activity", "clicks", Classification.INTERNAL);
  private static final ClassifiedFeature COUNTRY =
      new ClassifiedFeature("activity", "country", Classification.PUBLIC);
  private static final ClassifiedFeature EMAIL =
      new ClassifiedFeature("profile", "email", Classification.PII);
  private static final ClassifiedFeature DIAGNOSIS =
      new ClassifiedFeature("profile", "diagnosis", Classification.SENSITIVE);

  @Test
  void publicAndInternalNeedNoGrant() {
    ReadPermissions none = new ReadPermissions(List.of());

    for (ApiKey reader : List.of(SCIENTIST, MODEL_SERVER, ADMIN)) {
      for (ReadScope scope : ReadScope.values()) {
        assertThat(none.readable(reader, scope))
            .containsExactlyInAnyOrder(Classification.PUBLIC, Classification.INTERNAL);
      }
    }
  }

  @Test
  void piiAndSensitiveAreRefusedWithoutAGrantEvenToAdmin() {
    ReadPermissions none = new ReadPermissions(List.of());

    assertThat(
            none.unreadable(ADMIN, ReadScope.OFFLINE, List.of(CLICKS, EMAIL, COUNTRY, DIAGNOSIS)))
        .containsExactly(EMAIL, DIAGNOSIS);
  }

  @Test
  void aKeyGrantCoversThatKeyOnlyInItsScopesAndClasses() {
    ReadPermissions permissions =
        new ReadPermissions(
            List.of(
                grant(
                    Optional.of(SCIENTIST.id()),
                    Optional.empty(),
                    Classification.PII,
                    ReadScope.OFFLINE)));

    assertThat(permissions.unreadable(SCIENTIST, ReadScope.OFFLINE, List.of(EMAIL, DIAGNOSIS)))
        .containsExactly(DIAGNOSIS);
    assertThat(permissions.unreadable(SCIENTIST, ReadScope.ONLINE, List.of(EMAIL)))
        .containsExactly(EMAIL);
    assertThat(permissions.unreadable(OTHER_SCIENTIST, ReadScope.OFFLINE, List.of(EMAIL)))
        .containsExactly(EMAIL);
  }

  @Test
  void aRoleGrantCoversEveryKeyOfThatRole() {
    ReadPermissions permissions =
        new ReadPermissions(
            List.of(
                grant(
                    Optional.empty(),
                    Optional.of(Role.MODEL_SERVER),
                    Classification.SENSITIVE,
                    ReadScope.ONLINE)));

    assertThat(permissions.readable(MODEL_SERVER, ReadScope.ONLINE))
        .contains(Classification.SENSITIVE);
    assertThat(permissions.readable(SCIENTIST, ReadScope.ONLINE))
        .doesNotContain(Classification.SENSITIVE);
  }

  @Test
  void aRefusalNamesEveryUnreadableFeatureAndItsClass() {
    ReadPermissions none = new ReadPermissions(List.of());

    assertThatThrownBy(
            () ->
                none.requireReadable(
                    SCIENTIST, ReadScope.ONLINE, List.of(CLICKS, EMAIL, DIAGNOSIS)))
        .isInstanceOfSatisfying(
            ReadNotGrantedException.class,
            refused -> {
              assertThat(refused.features()).containsExactly(EMAIL, DIAGNOSIS);
              assertThat(refused.scope()).isEqualTo(ReadScope.ONLINE);
              assertThat(refused.getMessage())
                  .contains("profile:email (PII)", "profile:diagnosis (SENSITIVE)")
                  .doesNotContain("clicks");
            });
    none.requireReadable(SCIENTIST, ReadScope.ONLINE, List.of(CLICKS, COUNTRY));
  }

  @Test
  void aGrantNamesOneHolderAndOnlyClassesThatNeedIt() {
    assertThatThrownBy(
            () ->
                grant(
                    Optional.of(SCIENTIST.id()),
                    Optional.of(Role.ADMIN),
                    Classification.PII,
                    ReadScope.ONLINE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("apiKeyId");
    assertThatThrownBy(
            () -> grant(Optional.empty(), Optional.empty(), Classification.PII, ReadScope.ONLINE))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(
            () ->
                grant(
                    Optional.empty(),
                    Optional.of(Role.ADMIN),
                    Classification.INTERNAL,
                    ReadScope.ONLINE))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("INTERNAL is readable without a grant");
  }

  private static Grant grant(
      Optional<UUID> apiKeyId,
      Optional<Role> role,
      Classification classification,
      ReadScope scope) {
    return new Grant(
        UUID.randomUUID(),
        apiKeyId,
        role,
        Set.of(classification),
        Set.of(scope),
        Instant.EPOCH,
        "admin");
  }

  private static ApiKey key(Role role) {
    return new ApiKey(
        UUID.randomUUID(), role.name().toLowerCase(), role, Instant.EPOCH, Optional.empty());
  }
}
