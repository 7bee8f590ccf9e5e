package dev.featurestore.core.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.testing.InMemoryModels;
import dev.featurestore.core.testing.InMemoryTrainingSetCatalog;
import dev.featurestore.core.testing.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Model registration against in-memory training sets and models. */
class ModelRegistryTest {
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(NOW);
  private final InMemoryTrainingSetCatalog trainingSets = new InMemoryTrainingSetCatalog(clock);
  private final InMemoryModels models = new InMemoryModels();
  private final ModelRegistry registry = new ModelRegistry(models, trainingSets, clock);
  private final ApiKey scientist = key("scientist", Role.DATA_SCIENTIST);
  private final ApiKey colleague = key("colleague", Role.DATA_SCIENTIST);

  @Test
  void registersAModelOnTheRegistrantsTrainingSets() {
    UUID trainingSet = trainingSetOf(scientist);

    Model model =
        registry.register("churn", "1", "s3://models/churn/1", List.of(trainingSet), scientist);

    assertThat(model.trainingSets()).containsExactly(trainingSet);
    assertThat(model.ownerKeyId()).contains(scientist.id());
    assertThat(model.createdAt()).isEqualTo(NOW);
    assertThat(registry.find("churn", "1", scientist)).isEqualTo(model);
  }

  @Test
  void refusesATrainingSetThatDoesNotExistNamingItsPlace() {
    UUID known = trainingSetOf(scientist);
    UUID unknown = UUID.randomUUID();

    assertThatThrownBy(
            () -> registry.register("churn", "1", null, List.of(known, unknown), scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError(
                            "trainingSets[1]", "training set " + unknown + " does not exist")));
    assertThat(models.list()).isEmpty();
  }

  @Test
  void refusesAnotherKeysTrainingSetExactlyAsOneThatDoesNotExist() {
    UUID theirs = trainingSetOf(colleague);

    assertThatThrownBy(() -> registry.register("churn", "1", null, List.of(theirs), scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError(
                            "trainingSets[0]", "training set " + theirs + " does not exist")));
  }

  @Test
  void theSameNameAndVersionTwiceIsAConflict() {
    UUID trainingSet = trainingSetOf(scientist);
    registry.register("churn", "1", null, List.of(trainingSet), scientist);

    assertThatThrownBy(() -> registry.register("churn", "1", null, List.of(trainingSet), scientist))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void eachKeySeesItsOwnModelsAndComplianceSeesAll() {
    registry.register("churn", "1", null, List.of(trainingSetOf(scientist)), scientist);
    registry.register("upsell", "1", null, List.of(trainingSetOf(colleague)), colleague);

    assertThat(registry.visibleTo(scientist)).extracting(Model::name).containsExactly("churn");
    assertThat(registry.visibleTo(key("officer", Role.COMPLIANCE)))
        .extracting(Model::name)
        .containsExactlyInAnyOrder("churn", "upsell");
    assertThatThrownBy(() -> registry.find("upsell", "1", scientist))
        .isInstanceOf(NotFoundException.class);
  }

  private UUID trainingSetOf(ApiKey owner) {
    return trainingSets.create(UUID.randomUUID(), "set", "{}", Map.of(), owner.id()).id();
  }

  private static ApiKey key(String name, Role role) {
    return new ApiKey(UUID.randomUUID(), name, role, NOW, Optional.empty());
  }
}
