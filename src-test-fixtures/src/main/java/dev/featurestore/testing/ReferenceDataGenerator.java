package dev.featurestore.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generated feature groups and spines for the reference join's property tests. They are jqwik
 * arbitraries, so a failing case shrinks to few commits, rows and spine rows with small keys and
 * times. Small time ranges make equal event times, ties across commits and rows on the TTL bound
 * frequent.
 */
public final class ReferenceDataGenerator {
  private ReferenceDataGenerator() {}

  /**
   * The shape of a generated group: keys are {@code keyType.key(0..keyCount-1)}, rows come in up to
   * {@code maxCommits} commits (sequences 1, 2, ...) of up to {@code maxRowsPerCommit} rows each,
   * event times in {@code [0, timeRangeMicros)}, each value null with {@code nullProbability}.
   */
  public record GroupShape(
      GeneratedKeyType keyType,
      int keyCount,
      int maxCommits,
      int maxRowsPerCommit,
      long timeRangeMicros,
      List<GeneratedValueType> valueTypes,
      double nullProbability) {
    public GroupShape {
      valueTypes = List.copyOf(valueTypes);
      if (keyCount < 1 || maxCommits < 0 || maxRowsPerCommit < 0 || timeRangeMicros < 1) {
        throw new IllegalArgumentException("counts and the time range must be positive");
      }
    }
  }

  /** A spine key column: keys drawn from {@code keyType.key(0..keyCount-1)}. */
  public record SpineKey(String entityName, GeneratedKeyType keyType, int keyCount) {}

  /**
   * Rows of the group in upload order; a key may get no rows or many. Shrinks towards fewer commits
   * and rows, key 0, time 0 and null values.
   */
  public static Arbitrary<List<ReferenceFeatureRow>> featureRows(GroupShape shape) {
    List<Arbitrary<Object>> valueArbitraries = new ArrayList<>();
    for (GeneratedValueType type : shape.valueTypes()) {
      valueArbitraries.add(value(type).injectNull(shape.nullProbability()));
    }
    return rows(shape, valueArbitraries);
  }

  /**
   * Consent events in upload order, as {@link #featureRows} draws rows (the shape's value types are
   * ignored): values {@code [purpose, granted]}, the purpose one of {@code purposes}, each null
   * with the shape's null probability.
   */
  public static Arbitrary<List<ReferenceFeatureRow>> consentRows(
      GroupShape shape, List<String> purposes) {
    return rows(
        shape,
        List.of(
            Arbitraries.of(purposes).map(Object.class::cast).injectNull(shape.nullProbability()),
            value(GeneratedValueType.BOOL).injectNull(shape.nullProbability())));
  }

  private static Arbitrary<List<ReferenceFeatureRow>> rows(
      GroupShape shape, List<Arbitrary<Object>> valueArbitraries) {
    // Not List.copyOf: values may be null.
    Arbitrary<List<Object>> values = Combinators.combine(valueArbitraries).as(ArrayList::new);
    Arbitrary<RowDraft> row =
        Combinators.combine(
                Arbitraries.integers().between(0, shape.keyCount() - 1),
                Arbitraries.longs().between(0, shape.timeRangeMicros() - 1),
                values)
            .as(RowDraft::new);
    return row.list()
        .ofMaxSize(shape.maxRowsPerCommit())
        .list()
        .ofMaxSize(shape.maxCommits())
        .map(commits -> numbered(shape.keyType(), commits));
  }

  /**
   * Up to {@code maxRowCount} spine rows with times in {@code [-timeRangeMicros/4,
   * timeRangeMicros*5/4)}; a row repeats an earlier one with {@code duplicateProbability}.
   */
  public static Arbitrary<List<ReferenceSpineRow>> spine(
      List<SpineKey> keys, int maxRowCount, long timeRangeMicros, double duplicateProbability) {
    List<Arbitrary<Integer>> keyIndexes = new ArrayList<>();
    for (SpineKey key : keys) {
      keyIndexes.add(Arbitraries.integers().between(0, key.keyCount() - 1));
    }
    Arbitrary<ReferenceSpineRow> fresh =
        Combinators.combine(
                Combinators.combine(keyIndexes).as(List::copyOf),
                Arbitraries.longs()
                    .between(-timeRangeMicros / 4, timeRangeMicros * 5 / 4 - 1)
                    .shrinkTowards(0))
            .as(
                (indexes, time) -> {
                  Map<String, Object> rowKeys = new HashMap<>();
                  for (int k = 0; k < keys.size(); k++) {
                    rowKeys.put(
                        keys.get(k).entityName(), keys.get(k).keyType().key(indexes.get(k)));
                  }
                  return new ReferenceSpineRow(rowKeys, time);
                });
    Arbitrary<Optional<Integer>> repeatOf =
        Arbitraries.integers()
            .between(0, Math.max(0, maxRowCount - 1))
            .optional(duplicateProbability);
    return Combinators.combine(fresh, repeatOf)
        .as(SpineDraft::new)
        .list()
        .ofMaxSize(maxRowCount)
        .map(ReferenceDataGenerator::withRepeats);
  }

  /** Non-null values of {@code type}, as documented on {@link GeneratedValueType}. */
  public static Arbitrary<Object> value(GeneratedValueType type) {
    Arbitrary<?> values =
        switch (type) {
          case BOOL -> Arbitraries.of(false, true);
          case INT32 -> Arbitraries.integers();
          case INT64 -> Arbitraries.longs();
          case FLOAT32 -> Arbitraries.floats().between(-500, 500).ofScale(4);
          case FLOAT64 -> Arbitraries.doubles().between(-1e7, 1e7).ofScale(9);
          case STRING -> Arbitraries.strings().alpha().numeric().withChars('é').ofMaxLength(6);
          case BYTES -> Arbitraries.bytes().array(byte[].class).ofMaxSize(5);
          case TIMESTAMP -> Arbitraries.longs().between(-1L << 50, 1L << 50);
          case FLOAT32_VECTOR ->
              Arbitraries.floats()
                  .between(0, 1)
                  .ofScale(6)
                  .array(float[].class)
                  .ofSize(GeneratedValueType.VECTOR_DIMENSION);
        };
    return values.map(Object.class::cast);
  }

  private record RowDraft(int keyIndex, long eventTimeMicros, List<Object> values) {}

  /** A fresh spine row, or (when {@code repeatOf} is present) a repeat of an earlier row. */
  private record SpineDraft(ReferenceSpineRow fresh, Optional<Integer> repeatOf) {}

  private static List<ReferenceFeatureRow> numbered(
      GeneratedKeyType keyType, List<List<RowDraft>> commits) {
    List<ReferenceFeatureRow> rows = new ArrayList<>();
    for (int commit = 0; commit < commits.size(); commit++) {
      List<RowDraft> drafts = commits.get(commit);
      for (int ordinal = 0; ordinal < drafts.size(); ordinal++) {
        RowDraft draft = drafts.get(ordinal);
        rows.add(
            new ReferenceFeatureRow(
                keyType.key(draft.keyIndex()),
                draft.eventTimeMicros(),
                commit + 1,
                ordinal,
                draft.values()));
      }
    }
    return rows;
  }

  private static List<ReferenceSpineRow> withRepeats(List<SpineDraft> drafts) {
    List<ReferenceSpineRow> spine = new ArrayList<>(drafts.size());
    for (SpineDraft draft : drafts) {
      spine.add(
          draft.repeatOf().isPresent() && !spine.isEmpty()
              ? spine.get(draft.repeatOf().get() % spine.size())
              : draft.fresh());
    }
    return spine;
  }
}
