package dev.featurestore.storage.spark;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.join.ConsentRecords;
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
import java.util.Optional;

/**
 * The Spark SQL of our point-in-time join, over a temporary view {@value #SPINE_VIEW} of the
 * spine's row numbers, keys and times and one view per group ({@link #groupView}) of its files as
 * of the bound version. Each rule of the contract (docs/semantics.md) is one clause:
 *
 * <ul>
 *   <li>consent, when the join has a purpose: per entity with consent events, the winner (by the
 *       rules below) among its key's events of that purpose in the view {@link #consentView} of its
 *       consent group's files; a spine row has consent when every such winner is granted. The
 *       groups are joined with the spine rows that have consent only, so that the others have no
 *       winner (as {@code ConsentJoin} decides them for our engine);
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
 * The answer has the spine row number, whether the row has consent ({@value #CONSENT}, with a
 * purpose only), then per group its features ({@code g<i>_f<j>}) and the winner's sequence, ordinal
 * and event time (null without a winner), for lineage.
 */
final class SparkJoinSql {
  static final String SPINE_VIEW = "spine";
  static final String SPINE_ROW = "_spine_row";

  /** A group view's column naming each row's file (without its folder). */
  static final String FILE_NAME = "_file_name";

  /** The answer's column telling whether a spine row has consent for the join's purpose. */
  static final String CONSENT = "_consent";

  private static final String CONSENTED_SPINE = "consented_spine";
  private static final String SPINE_CONSENT = "spine_consent";

  private SparkJoinSql() {}

  /**
   * The consent a join requires: its purpose, and per entity with consent events its consent
   * group's request ({@link ConsentRecords#GRANTED} then {@link ConsentRecords#PURPOSE}) and the
   * files of its version, read through {@link #consentView}.
   */
  record Consent(String purpose, List<FeatureGroupRequest> groups, List<List<DataFile>> files) {
    Consent {
      groups = List.copyOf(groups);
      files = List.copyOf(files);
    }

    /** A consent group's request, the features Spark reads of its files. */
    static FeatureGroupRequest request(ConsentRecords records) {
      return new FeatureGroupRequest(
          records.group(),
          records.asOfCommitSequence(),
          List.of(
              new FeatureSelection(ConsentRecords.GRANTED, ConsentRecords.GRANTED),
              new FeatureSelection(ConsentRecords.PURPOSE, ConsentRecords.PURPOSE)),
          records.storedRows());
    }
  }

  static String groupView(int group) {
    return "g" + group;
  }

  static String consentView(int entity) {
    return "c" + entity;
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
  static String emptyGroupView(String view, FeatureGroupRequest request) {
    List<String> columns = new ArrayList<>();
    for (String column : groupFileSchema(request).split(", ")) {
      int space = column.indexOf(' ');
      columns.add(
          "CAST(NULL AS " + column.substring(space + 1) + ") AS " + column.substring(0, space));
    }
    return "CREATE OR REPLACE TEMPORARY VIEW "
        + view
        + " AS SELECT "
        + String.join(", ", columns)
        + " WHERE false";
  }

  /**
   * The join; {@code files} are each group's files of its version, in request order; with a
   * purpose, only the spine rows with consent take part in the groups' joins.
   */
  static String join(
      List<FeatureGroupRequest> groups, List<List<DataFile>> files, Optional<Consent> consent) {
    StringBuilder with = new StringBuilder();
    StringBuilder select = new StringBuilder("SELECT s." + SPINE_ROW);
    StringBuilder from = new StringBuilder(" FROM " + SPINE_VIEW + " s");
    String joined = SPINE_VIEW;
    if (consent.isPresent()) {
      with.append("WITH ")
          .append(SPINE_CONSENT)
          .append(" AS (")
          .append(spineConsent(consent.get()))
          .append("), ")
          .append(CONSENTED_SPINE)
          .append(" AS (SELECT s.* FROM ")
          .append(SPINE_VIEW)
          .append(" s JOIN ")
          .append(SPINE_CONSENT)
          .append(" c ON c.")
          .append(SPINE_ROW)
          .append(" = s.")
          .append(SPINE_ROW)
          .append(" WHERE c.")
          .append(CONSENT)
          .append(") ");
      select.append(", c.").append(CONSENT);
      from.append(" JOIN ")
          .append(SPINE_CONSENT)
          .append(" c ON c.")
          .append(SPINE_ROW)
          .append(" = s.")
          .append(SPINE_ROW);
      joined = CONSENTED_SPINE;
    }
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
          .append(winners(joined, groupView(g), request, files.get(g), ""))
          .append(") w")
          .append(g)
          .append(" ON w")
          .append(g)
          .append('.')
          .append(SPINE_ROW)
          .append(" = s.")
          .append(SPINE_ROW);
    }
    return with.toString() + select + from + " ORDER BY s." + SPINE_ROW;
  }

  /**
   * Per spine row, whether it has consent: for every entity with consent events, the winning event
   * of the purpose is granted (no winner, or a null or false {@code granted}: no consent).
   */
  private static String spineConsent(Consent consent) {
    StringBuilder granted = new StringBuilder();
    StringBuilder from = new StringBuilder(" FROM " + SPINE_VIEW + " s");
    String ofPurpose =
        " WHERE " + quoted(ConsentRecords.PURPOSE) + " = " + stringLiteral(consent.purpose());
    for (int k = 0; k < consent.groups().size(); k++) {
      granted.append(k == 0 ? "" : " AND ").append("coalesce(k").append(k).append(".v.f0, false)");
      from.append(" LEFT JOIN (")
          .append(
              winners(
                  SPINE_VIEW,
                  consentView(k),
                  consent.groups().get(k),
                  consent.files().get(k),
                  ofPurpose))
          .append(") k")
          .append(k)
          .append(" ON k")
          .append(k)
          .append('.')
          .append(SPINE_ROW)
          .append(" = s.")
          .append(SPINE_ROW);
    }
    return "SELECT s." + SPINE_ROW + ", " + granted + " AS " + CONSENT + from;
  }

  /**
   * Per row of {@code spine} with a candidate in {@code view} (narrowed by {@code candidateFilter},
   * a WHERE clause or nothing), the winning row's features, sequence, ordinal and time.
   */
  private static String winners(
      String spine,
      String view,
      FeatureGroupRequest request,
      List<DataFile> files,
      String candidateFilter) {
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
            + view
            + candidateFilter;
    StringBuilder sql =
        new StringBuilder("SELECT s.")
            .append(SPINE_ROW)
            .append(", max_by(")
            .append(value)
            .append(", struct(r.")
            .append(eventTime)
            .append(", r._seq, r._ord)) AS v FROM ")
            .append(spine)
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
