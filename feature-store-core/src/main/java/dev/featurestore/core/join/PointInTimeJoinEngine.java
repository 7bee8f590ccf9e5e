package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The offline point-in-time join of {@code semantics.md} on Arrow vectors.
 *
 * <p>In memory ({@link SpineSlotJoin}), each group's stored rows stream past the spine once: the
 * spine's rows, sorted by key and time, form slots, and a stored row is kept only while it is the
 * best candidate of its slot, its values copied there. Nothing else of the group stays in memory.
 * Output batches are the spine's columns, sliced without copying, followed by the winners' values.
 * Groups, and the output's columns, are filled on the threads of the {@link ForkJoinPool} given
 * here, shared by every join of the process so that joins reuse its threads and together use no
 * more than its parallelism (the api creates it with {@link JoinOptions#parallelism()} threads).
 *
 * <p>Memory: every Arrow buffer comes from a child of the allocator given here, limited to {@link
 * JoinOptions#memoryBudgetBytes()}, and is released before {@code join} returns. The in-memory join
 * needs memory in proportion to the spine times the requested features; when that does not fit in
 * the budget, the join is partitioned by key hash and spilled to disk instead (see {@link
 * PartitionedJoin}).
 */
public final class PointInTimeJoinEngine {
  /**
   * The least Arrow memory a join gets whatever its budget: Arrow rounds allocations up and every
   * open spill partition holds a batch, so below this a budget would only make joins fail.
   */
  private static final long ARROW_FLOOR_BYTES = 16L << 20;

  private final BufferAllocator allocator;
  private final JoinOptions options;
  private final ForkJoinPool pool;

  public PointInTimeJoinEngine(BufferAllocator allocator, JoinOptions options, ForkJoinPool pool) {
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.options = requireNonNull(options, "options is null");
    this.pool = requireNonNull(pool, "pool is null");
  }

  public JoinStatistics join(PointInTimeJoinRequest request, JoinOutputSink sink)
      throws IOException {
    return join(request, sink, WinningRowsListener.IGNORE);
  }

  /**
   * Writes one output row per spine row (per spine row with consent, when the request's consent
   * policy excludes the others), in spine order, to {@code sink}, and tells {@code listener} which
   * stored rows won.
   *
   * <p>With a consent requirement, the spine rows without consent are first found by joining the
   * consent events (see {@link SpineConsent}); then they are left out of the output, its rows in
   * spine order otherwise, or they keep their place with null features and no winner. The
   * listener's rows are always the request's spine rows: a row left out has no winner.
   *
   * @return what the join cost beyond memory, the bytes it spilled to disk, and how many spine rows
   *     had no consent
   * @throws InvalidInputException when the spine lacks a key or time column, a spine time is null
   *     or has no time zone, or two output columns share a name
   */
  public JoinStatistics join(
      PointInTimeJoinRequest request, JoinOutputSink sink, WinningRowsListener listener)
      throws IOException {
    requireNonNull(sink, "sink is null");
    requireNonNull(listener, "listener is null");
    Schema outputSchema = outputSchema(request);
    if (request.consent().isEmpty()) {
      return new JoinStatistics(joinRows(request, outputSchema, sink, listener, new BitSet()), 0);
    }
    SpineConsent consent = request.consent().get();
    BitSet withoutConsent = ConsentJoin.rowsWithoutConsent(this, allocator, request, consent);
    long rowsWithoutConsent = withoutConsent.cardinality();
    if (consent.policy() == ConsentPolicy.NULL_FEATURES) {
      return new JoinStatistics(
          joinRows(request, outputSchema, sink, listener, withoutConsent), rowsWithoutConsent);
    }
    VectorSchemaRoot spine = request.spine();
    try (VectorSchemaRoot consented = ConsentJoin.spineWithout(spine, withoutConsent, allocator)) {
      return new JoinStatistics(
          joinRows(
              new PointInTimeJoinRequest(consented, request.spineTimeColumn(), request.groups()),
              outputSchema,
              sink,
              ConsentJoin.byWholeSpineRows(listener, spine.getRowCount(), withoutConsent),
              new BitSet()),
          rowsWithoutConsent);
    }
  }

  /**
   * Joins every spine row, except that the rows {@code featureless} take no row of any group;
   * returns the bytes spilled.
   */
  private long joinRows(
      PointInTimeJoinRequest request,
      Schema outputSchema,
      JoinOutputSink sink,
      WinningRowsListener listener,
      BitSet featureless)
      throws IOException {
    // The budget's Arrow share is enforced here; the heap share by choosing the partitioned join.
    try (BufferAllocator joinAllocator =
        allocator.newChildAllocator(
            "point-in-time-join", 0, Math.max(options.memoryBudgetBytes(), ARROW_FLOOR_BYTES))) {
      JoinOutput output = new JoinOutput(allocator, joinAllocator, request, outputSchema, sink);
      if (JoinMemory.fitsInMemory(request, options.memoryBudgetBytes())) {
        joinInMemory(joinAllocator, request, output, listener, featureless);
        return 0;
      }
      return new PartitionedJoin(joinAllocator, options, pool)
          .join(request, output, listener, featureless);
    }
  }

  private void joinInMemory(
      BufferAllocator joinAllocator,
      PointInTimeJoinRequest request,
      JoinOutput output,
      WinningRowsListener listener,
      BitSet featureless)
      throws IOException {
    List<FeatureGroupRequest> groups = request.groups();
    VectorSchemaRoot spine = request.spine();
    TimeStampVector spineTimes = (TimeStampVector) spine.getVector(request.spineTimeColumn());
    int[] everySpineRow = IntStream.range(0, spine.getRowCount()).toArray();
    SpineSlotJoin[] joins = new SpineSlotJoin[groups.size()];
    try {
      List<ForkJoinTask<?>> groupTasks = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        int groupIndex = g;
        FeatureGroupRequest group = groups.get(g);
        groupTasks.add(
            ForkJoinTask.adapt(
                () -> {
                  try {
                    joins[groupIndex] =
                        SpineSlotJoin.join(
                            group,
                            spine.getVector(group.group().entity().name()),
                            spineTimes,
                            everySpineRow,
                            featureless,
                            joinAllocator);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  listener.onWinners(groupIndex, group, joins[groupIndex]);
                }));
      }
      runAll(pool, groupTasks);
      output.writeAll(
          options.outputBatchRows(),
          (featureColumns, firstSpineRow, rowCount) -> {
            List<ForkJoinTask<?>> fillTasks = new ArrayList<>();
            int column = 0;
            for (int g = 0; g < joins.length; g++) {
              SpineSlotJoin join = joins[g];
              int[] sourceSlots = join.winnerSlots(firstSpineRow, rowCount);
              for (int f = 0; f < groups.get(g).features().size(); f++) {
                FieldVector featureColumn = featureColumns.get(column++);
                int featureIndex = f;
                fillTasks.add(
                    ForkJoinTask.adapt(() -> join.fill(featureColumn, featureIndex, sourceSlots)));
              }
            }
            runAll(pool, fillTasks);
          });
    } finally {
      for (SpineSlotJoin join : joins) {
        if (join != null) {
          join.close();
        }
      }
    }
  }

  static void runAll(ForkJoinPool pool, List<ForkJoinTask<?>> tasks) throws IOException {
    try {
      pool.invoke(ForkJoinTask.adapt(() -> ForkJoinTask.invokeAll(tasks)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Checks the spine against the groups and returns the output schema: the spine's columns, then
   * each group's selected features under their output names, as stored.
   */
  public static Schema outputSchema(PointInTimeJoinRequest request) {
    VectorSchemaRoot spine = request.spine();
    String timeColumn = request.spineTimeColumn();
    FieldVector spineTimes = spine.getVector(timeColumn);
    if (spineTimes == null) {
      throw new InvalidInputException(
          "spineTimeColumn", "the spine has no column '" + timeColumn + "'");
    }
    if (!(spineTimes.getField().getType() instanceof ArrowType.Timestamp timestamp)
        || timestamp.getUnit() != TimeUnit.MICROSECOND
        || timestamp.getTimezone() == null) {
      throw new InvalidInputException(
          "spine." + timeColumn,
          "must be a timestamp with microseconds and a time zone, was "
              + spineTimes.getField().getType());
    }
    if (spineTimes.getValueCount() < spine.getRowCount() || spineTimes.getNullCount() > 0) {
      throw new InvalidInputException("spine." + timeColumn, "every spine row needs a time");
    }
    List<Field> outputFields = new ArrayList<>(spine.getSchema().getFields());
    Map<String, String> columnOrigins = new HashMap<>();
    for (Field field : outputFields) {
      columnOrigins.put(field.getName(), "spine." + field.getName());
    }
    for (int g = 0; g < request.groups().size(); g++) {
      FeatureGroupRequest groupRequest = request.groups().get(g);
      FeatureGroup group = groupRequest.group();
      requireKeyColumn(spine, group.entity());
      for (int f = 0; f < groupRequest.features().size(); f++) {
        FeatureSelection selection = groupRequest.features().get(f);
        String fieldPath = "groups[" + g + "].features[" + f + "].outputColumn";
        String clash = columnOrigins.putIfAbsent(selection.outputColumn(), fieldPath);
        if (clash != null) {
          throw new InvalidInputException(
              fieldPath,
              "output column '"
                  + selection.outputColumn()
                  + "' is also "
                  + clash
                  + "; alias one of them, e.g. "
                  + group.name()
                  + "__"
                  + selection.featureName());
        }
        Field stored =
            StoredRowSchema.featureField(group.feature(selection.featureName()).orElseThrow());
        outputFields.add(
            new Field(selection.outputColumn(), stored.getFieldType(), stored.getChildren()));
      }
    }
    return new Schema(outputFields);
  }

  static void requireKeyColumn(VectorSchemaRoot spine, Entity entity) {
    FieldVector keys = spine.getVector(entity.name());
    ArrowType expected = StoredRowSchema.keyType(entity.keyType());
    if (keys == null
        || !keys.getField().getType().equals(expected)
        || keys.getValueCount() < spine.getRowCount()) {
      throw new InvalidInputException(
          "spine." + entity.name(),
          "the spine needs a key column '" + entity.name() + "' of type " + expected);
    }
  }
}
