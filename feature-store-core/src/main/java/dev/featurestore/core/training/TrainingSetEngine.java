package dev.featurestore.core.training;

import dev.featurestore.core.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a training set's point-in-time join runs: in this server ({@code server}, the default), or
 * as a Spark job reached through Spark Connect ({@code spark}). Both follow the same contract and
 * record the same inputs and keys.
 */
public enum TrainingSetEngine {
  SERVER,
  SPARK;

  /** The name a request spells it by. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws InvalidInputException naming {@code field} when {@code name} is no engine's
   */
  public static TrainingSetEngine parse(String field, String name) {
    for (TrainingSetEngine engine : values()) {
      if (engine.wireName().equals(name)) {
        return engine;
      }
    }
    throw new InvalidInputException(
        field,
        "'"
            + name
            + "' is not an engine; one of "
            + Arrays.stream(values()).map(TrainingSetEngine::wireName).toList());
  }
}
