package dev.featurestore.storage.spark;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The Spark SQL of our point-in-time join, over a temporary view {@value #SPINE_VIEW} of the
 * spine's row numbers, keys and times and one view per group ({@link #groupView}) of its files as
 * of the bound version. Each rule of the contract (docs/semantics.md) is one clause:
 *
 * <ul>
 *   <li>candidates: same key, event time at or before the spine time (inclusive), and with a TTL at
 *       or after the spine time minus the TTL (inclusive; computed in decimals so that no time near
 *       the ends of the range overflows);
 *   <li>the winner: the greatest (event time, commit sequence, row ordinal), {@code max_by} over a
 *       struct; an append file stores 0 as its rows' commit sequence, replaced by the adding
 *       commit's sequence, found by the file's name;
 *   <li>the version: only the files visible at the bound sequence are read (a file visible then
 *       holds no rows of later commits);
 *   <li>one output row per spine row in spine order, duplicates included: every spine row has its
 *       own number, the left joins are on it, and the result is ordered by it.
 * </ul>
 *
 * The answer has the spine row number, then per group its features ({@code g<i>_f<j>}) and the
 * winner's sequence, ordinal and event time (null without a winner), for lineage.
 */
final class SparkJoinSql {
  static final String SPINE_VIEW = "spine";
  static final String SPINE_ROW = "_spine_row";

  /** A group view's column naming each row's file (without its folder). */
  static final String FILE_NAME = "_file_name";

  private SparkJoinSql() {}

  static String groupView(int group) {
    return "g" + group;
  }

  static String featureColumn(int group, int feature) {
    return "g" + group + "_f" + feature;
  }

  static String sequenceColumn(int group) {
    return "g" + group + "_seq";
  }

  static String ordinalColumn(int group) {
    return "g" + group + "_ord";
  }

  static String eventTimeColumn(int group) {
    return "g" + group + "_time";
  }

  /**
   * The schema Spark reads a group's files with: key, event time, the system columns that order
   * winners, and the selected features (a feature added after a file was written reads as null).
   */
  static String groupFileSchema(FeatureGroupRequest request) {
    FeatureGroup group = request.group();
    List<String> columns = new ArrayList<>();
    columns.add(quoted(group.entity().name()) + " " + keyType(group.entity().keyType()));
    columns.add(quoted(FeatureGroup.EVENT_TIME) + " TIMESTAMP");
    columns.add(quoted(StoredRowSchema.COMMIT_SEQUENCE) + " BIGINT");
    columns.add(quoted(StoredRowSchema.ROW_ORDINAL) + " BIGINT");
    for (FeatureSelection selection : request.features()) {
      FeatureDefinition feature = group.feature(selection.featureName()).orElseThrow();
      columns.add(quoted(feature.name()) + " " + valueType(feature.type()));
    }
    return String.join(", ", columns);
  }

  /** A view of no rows in the group's file schema, for a version without files. */
  static String emptyGroupView(int index, FeatureGroupRequest request) {
    List<String> columns = new ArrayList<>();
    for (String column : groupFileSchema(request).split(", ")) {
      int space = column.indexOf(' ');
      columns.add(
          "CAST(NULL AS " + column.substring(space + 1) + ") AS " + column.substring(0, space));
    }
    return "CREATE OR REPLACE TEMPORARY VIEW "
        + groupView(index)
        + " AS SELECT "
        + String.join(", ", columns)
        + " WHERE false";
  }

  /** The join; {@code files} are each group's files of its version, in request order. */
  static String join(List<FeatureGroupRequest> groups, List<List<DataFile>> files) {
    StringBuilder select = new StringBuilder("SELECT s." + SPINE_ROW);
    StringBuilder from = new StringBuilder(" FROM " + SPINE_VIEW + " s");
    for (int g = 0; g < groups.size(); g++) {
      FeatureGroupRequest request = groups.get(g);
      String winner = "w" + g + ".v";
      for (int f = 0; f < request.features().size(); f++) {
        select.append(", ").append(winner).append(".f").append(f).append(" AS ");
        select.append(featureColumn(g, f));
      }
      select.append(", ").append(winner).append("._seq AS ").append(sequenceColumn(g));
      select.append(", ").append(winner).append("._ord AS ").append(ordinalColumn(g));
      select.append(", ").append(winner).append("._time AS ").append(eventTimeColumn(g));
      from.append(" LEFT JOIN (")
          .append(winners(g, request, files.get(g)))
          .append(") w")
          .append(g)
          .append(" ON w")
          .append(g)
          .append('.')
          .append(SPINE_ROW)
          .append(" = s.")
          .append(SPINE_ROW);
    }
    return select + from.toString() + " ORDER BY s." + SPINE_ROW;
  }

  /** Per spine row with a candidate, the winning row's features, sequence, ordinal and time. */
  private static String winners(int g, FeatureGroupRequest request, List<DataFile> files) {
    FeatureGroup group = request.group();
    String key = quoted(group.entity().name());
    String eventTime = quoted(FeatureGroup.EVENT_TIME);
    StringBuilder value = new StringBuilder("named_struct(");
    for (int f = 0; f < request.features().size(); f++) {
      value
          .append("'f")
          .append(f)
          .append("', r.")
          .append(quoted(request.features().get(f).featureName()))
          .append(", ");
    }
    value.append("'_seq', r._seq, '_ord', r._ord, '_time', r.").append(eventTime).append(')');
    String candidates =
        "SELECT "
            + key
            + ", "
            + eventTime
            + ", "
            + featureList(request)
            + commitSequence(files)
            + " AS _seq, "
            + quoted(StoredRowSchema.ROW_ORDINAL)
            + " AS _ord FROM "
            + groupView(g);
    StringBuilder sql =
        new StringBuilder("SELECT s.")
            .append(SPINE_ROW)
            .append(", max_by(")
            .append(value)
            .append(", struct(r.")
            .append(eventTime)
            .append(", r._seq, r._ord)) AS v FROM ")
            .append(SPINE_VIEW)
            .append(" s JOIN (")
            .append(candidates)
            .append(") r ON r.")
            .append(key)
            .append(" = s.")
            .append(key)
            .append(" AND r.")
            .append(eventTime)
            .append(" <= s.")
            .append(eventTime);
    long ttlMicros = EpochMicros.of(group.ttl());
    if (ttlMicros != 0) {
      sql.append(" AND CAST(unix_micros(s.")
          .append(eventTime)
          .append(") AS DECIMAL(21, 0)) - unix_micros(r.")
          .append(eventTime)
          .append(") <= ")
          .append(ttlMicros);
    }
    return sql.append(" GROUP BY s.").append(SPINE_ROW).toString();
  }

  private static String featureList(FeatureGroupRequest request) {
    StringBuilder list = new StringBuilder();
    for (FeatureSelection selection : request.features()) {
      list.append(quoted(selection.featureName())).append(", ");
    }
    return list.toString();
  }

  /** The rows' commit sequence: as stored, or for an append file's 0 the adding commit's. */
  private static String commitSequence(List<DataFile> files) {
    if (files.isEmpty()) {
      return quoted(StoredRowSchema.COMMIT_SEQUENCE);
    }
    StringBuilder addedBy = new StringBuilder("map(");
    for (int i = 0; i < files.size(); i++) {
      DataFile file = files.get(i);
      addedBy
          .append(i == 0 ? "" : ", ")
          .append(stringLiteral(fileName(file.objectKey())))
          .append(", ")
          .append(file.addedSequence())
          .append('L');
    }
    addedBy.append(')');
    return "CASE WHEN "
        + quoted(StoredRowSchema.COMMIT_SEQUENCE)
        + " = "
        + StoredRowSchema.SEQUENCE_OF_ADDING_COMMIT
        + " THEN element_at("
        + addedBy
        + ", "
        + FILE_NAME
        + ") ELSE "
        + quoted(StoredRowSchema.COMMIT_SEQUENCE)
        + " END";
  }

  static String fileName(String objectKey) {
    return objectKey.substring(objectKey.lastIndexOf('/') + 1);
  }

  private static String keyType(KeyType type) {
    return switch (type) {
      case STRING -> "STRING";
      case INT64 -> "BIGINT";
    };
  }

  private static String valueType(FeatureType type) {
    return switch (type) {
      case BOOL -> "BOOLEAN";
      case INT32 -> "INT";
      case INT64 -> "BIGINT";
      case FLOAT32 -> "FLOAT";
      case FLOAT64 -> "DOUBLE";
      case STRING -> "STRING";
      case BYTES -> "BINARY";
      case TIMESTAMP -> "TIMESTAMP";
      case FLOAT32_VECTOR -> "ARRAY<FLOAT>";
    };
  }

  /**
   * Names follow our naming rule (lower-case letters, digits, underscores); quoted all the same.
   */
  private static String quoted(String name) {
    return '`' + name.replace("`", "``") + '`';
  }

  private static String stringLiteral(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
