package dev.featurestore.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NameSuggestionsTest {
  private static final Entity USER = new Entity("user_id", KeyType.STRING, null);

  @Test
  void suggestsTheKnownNameATypoAway() {
    assertThat(
            NameSuggestions.unknownGroup("user_activty", List.of("user_profile", "user_activity")))
        .isEqualTo("feature group 'user_activty' does not exist; did you mean 'user_activity'?");
  }

  @Test
  void suggestsAcrossCase() {
    assertThat(NameSuggestions.closest("User_Activity", List.of("user_activity")))
        .contains("user_activity");
  }

  @Test
  void suggestsTheNameANameBegins() {
    assertThat(NameSuggestions.closest("clicks", List.of("country", "clicks_7d")))
        .contains("clicks_7d");
  }

  @Test
  void suggestsNothingForAnotherName() {
    assertThat(NameSuggestions.unknownGroup("orders", List.of("user_activity")))
        .isEqualTo("feature group 'orders' does not exist");
    // Two edits turn "ab" into any two-letter name: too few letters for a typo.
    assertThat(NameSuggestions.closest("ab", List.of("xy"))).isEmpty();
  }

  @Test
  void anUnknownFeatureListsTheGroupsFeatures() {
    FeatureGroup group =
        group(
            List.of(
                FeatureDefinition.scalar("clicks_7d", FeatureType.INT64),
                FeatureDefinition.scalar("country", FeatureType.STRING)));

    assertThat(NameSuggestions.unknownFeature(group, "clicks_7"))
        .isEqualTo(
            "feature group 'user_activity' has no feature 'clicks_7'; did you mean 'clicks_7d'?;"
                + " its features: clicks_7d, country");
  }

  @Test
  void aWideGroupsFeaturesAreListedInPart() {
    FeatureGroup group =
        group(
            IntStream.range(0, 25)
                .mapToObj(i -> FeatureDefinition.scalar("f" + i, FeatureType.INT64))
                .toList());

    assertThat(NameSuggestions.unknownFeature(group, "missing")).endsWith("f18, f19 and 5 more");
  }

  private static FeatureGroup group(List<FeatureDefinition> features) {
    return new FeatureGroup("user_activity", USER, features, Duration.ZERO, false, null, 1);
  }
}
