package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The consent a join requires: a spine row {@code (keys, t)} has consent for {@code purpose} when,
 * for every entity with consent records, the latest of its key's events for that purpose at or
 * before {@code t} (the join's winner rule, its group's TTL and version) says granted. A row
 * without consent is dealt with as {@code policy} says.
 */
public record SpineConsent(String purpose, ConsentPolicy policy, List<ConsentRecords> records) {
  public SpineConsent {
    Names.requireValid("purpose", purpose);
    requireNonNull(policy, "policy is null");
    records = List.copyOf(records);
    if (records.isEmpty()) {
      throw new InvalidInputException("purpose", "no entity of the request has consent records");
    }
    Set<String> entities = new HashSet<>();
    for (ConsentRecords consent : records) {
      if (!entities.add(consent.group().entity().name())) {
        throw new IllegalArgumentException(
            "two consent groups for entity " + consent.group().entity().name());
      }
    }
  }
}
