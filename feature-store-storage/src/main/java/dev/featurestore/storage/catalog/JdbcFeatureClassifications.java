package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.FeatureClassifications;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads every feature's classification from the tables {@link JdbcCatalog} writes, in one query:
 * online servers read it again whenever a grant or classification changes anywhere.
 */
public final class JdbcFeatureClassifications implements FeatureClassifications {
  private final Transactions transactions;

  public JdbcFeatureClassifications(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  private record Classified(String group, String feature, Classification classification) {}

  @Override
  public Map<String, Map<String, Classification>> all() {
    Map<String, Map<String, Classification>> classifications = new HashMap<>();
    transactions
        .list(
            "SELECT g.name, f ->> 'name', COALESCE(f ->> 'classification', g.classification)"
                + " FROM feature_groups g JOIN feature_group_schema_versions v"
                + " ON v.feature_group_id = g.id AND v.version = g.current_schema_version"
                + " CROSS JOIN LATERAL jsonb_array_elements(v.features) f",
            rows ->
                new Classified(
                    rows.getString(1),
                    rows.getString(2),
                    Classification.valueOf(rows.getString(3))))
        .forEach(
            row ->
                classifications
                    .computeIfAbsent(row.group(), group -> new HashMap<>())
                    .put(row.feature(), row.classification()));
    Map<String, Map<String, Classification>> frozen = new HashMap<>();
    classifications.forEach((group, features) -> frozen.put(group, Map.copyOf(features)));
    return Map.copyOf(frozen);
  }
}
