package dev.featurestore.core.testing;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import java.time.Duration;
import java.util.List;

/** Groups the tests of core define in a catalog. */
public final class TestingGroups {
  private TestingGroups() {}

  /**
   * Defines the entity {@code user_id} (STRING keys) and the group {@code clicks} of it, with one
   * INT64 feature {@code clicks}: the shape {@link TextRows} uploads.
   */
  public static FeatureGroup clicks(Catalog catalog) {
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    return catalog.createFeatureGroup(
        new FeatureGroup(
            "clicks",
            user,
            List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
            Duration.ZERO,
            false,
            "",
            1));
  }
}
