package dev.featurestore.api.openapi;

import io.swagger.v3.oas.models.tags.Tag;
import java.util.List;

/** The areas the OpenAPI document groups operations by, in the order a newcomer meets them. */
public final class Tags {
  public static final String ENTITIES = "Entities";
  public static final String FEATURE_GROUPS = "Feature groups";
  public static final String DISCOVERY = "Discovery";
  public static final String COMMITS = "Commits";
  public static final String UPLOADS = "Uploads";
  public static final String TRAINING_SETS = "Training sets";
  public static final String JOBS = "Jobs";
  public static final String ONLINE = "Online features";
  public static final String MODELS = "Models";
  public static final String LINEAGE = "Lineage";
  public static final String ERASURE = "Erasure";
  public static final String AUDIT = "Audit";
  public static final String API_KEYS = "API keys";
  public static final String GRANTS = "Grants";

  static final List<Tag> ALL =
      List.of(
          tag(ENTITIES, "What features describe (a user, a product): its name is the key column"),
          tag(FEATURE_GROUPS, "Typed features of one entity, with a TTL and an online flag"),
          tag(DISCOVERY, "Search over the catalog, feature statistics and previews of rows"),
          tag(COMMITS, "Rows appended to a feature group, as JSON, CSV, Arrow or Parquet"),
          tag(UPLOADS, "Spine files kept for training-set requests to name"),
          tag(
              TRAINING_SETS,
              "Point-in-time correct joins of a spine with features, and their downloads"),
          tag(JOBS, "Long work (training sets from large spines, erasures) to poll or cancel"),
          tag(ONLINE, "Latest feature values by key (Feast's request and answer), on both ports"),
          tag(MODELS, "Models registered with the training sets they learned from"),
          tag(LINEAGE, "Which groups, training sets and models a key, group or model reached"),
          tag(ERASURE, "Removal of keys' rows everywhere, with a receipt"),
          tag(AUDIT, "Who read or wrote what, when"),
          tag(API_KEYS, "Keys and their roles (administrators; any key may read its own)"),
          tag(GRANTS, "Who may read PII and SENSITIVE features, offline and online"));

  private Tags() {}

  private static Tag tag(String name, String description) {
    return new Tag().name(name).description(description);
  }
}
