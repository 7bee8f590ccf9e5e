package dev.featurestore.core.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntConsumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The latest value of every feature of one feature group, by key, in memory: what the training-set
 * join would return for a spine row {@code (key, now)} as of the latest applied commit.
 *
 * <p>Per key the index keeps the winning row among those with an event time at or before now, by
 * the join's rule: greatest event time, then the later commit, then the later row of the upload.
 * Applying rows merges: a row replaces the stored one only if it wins, so commits may be applied in
 * any order and a row applied twice changes nothing. Rows whose event time is still in the future
 * when applied (ingest allows a small clock skew) are not candidates yet; they wait, as Arrow rows
 * off the heap, until a read finds their time has come. The TTL is applied when reading.
 *
 * <p>Storage is pages of primitive arrays by slot (one slot per key), reserved from an {@link
 * OnlineMemoryBudget} before allocation; there are no objects per key or row. One thread applies
 * updates; any number read, through a {@link View} that holds a read lock.
 */
public final class LatestValueIndex implements AutoCloseable {
  /** Rows applied per write-lock hold, so that readers wait for at most one such chunk. */
  private static final int ROWS_PER_LOCK = 4096;

  private static final Duration MAX_TTL = Duration.ofDays(100_000);

  private static final IntConsumer UNMARKED = slot -> {};

  private final StampedLock lock = new StampedLock();
  private final Clock clock;
  private final BufferAllocator allocator;
  private final MemoryAccount memory;
  private final ByteArena arena;
  private final KeyType keyType;
  private final LongKeyTable longKeys;
  private final StringKeyTable stringKeys;
  private final List<OnlineColumn> columns = new ArrayList<>();
  // What grows by a page with the slots: paged columns and the rows of 8-byte features.
  private final List<PageStorage> storages = new ArrayList<>();
  private volatile FeatureGroup group;
  private volatile Map<String, Integer> columnByFeature = Map.of();
  private long[][] eventTimes = new long[0][];
  private long[][] commitSequences = new long[0][];
  private long[][] rowOrdinals = new long[0][];
  private int keyCount;
  // Slots of keys a reload removed: found by no key, kept until the index is closed.
  private int removedKeys;
  private volatile long appliedSequence;
  // Moves with every change a read could see (winners written, keys removed, features added):
  // written under the write lock, read under a read lock.
  private long changes;
  private final List<FutureRows> futureRows = new ArrayList<>();
  private volatile long earliestFutureMicros = Long.MAX_VALUE;
  private byte[] keyScratch = new byte[64];
  // Scratch of applyRows, used under the write lock only.
  private int[] winningRows = new int[ROWS_PER_LOCK];
  private int[] winningSlots = new int[ROWS_PER_LOCK];

  private LatestValueIndex(
      FeatureGroup group, OnlineMemoryBudget budget, BufferAllocator allocator, Clock clock) {
    this.group = requireNonNull(group, "group is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.memory = new MemoryAccount(requireNonNull(budget, "budget is null"), group.name());
    this.arena = new ByteArena(memory);
    this.keyType = group.entity().keyType();
    this.longKeys = keyType == KeyType.INT64 ? new LongKeyTable(memory) : null;
    this.stringKeys = keyType == KeyType.STRING ? new StringKeyTable(memory) : null;
    addColumns(group.features());
  }

  /**
   * An empty index of the group.
   *
   * @param allocator holds rows whose event time is still in the future
   * @throws OnlineMemoryBudgetExceededException when even an empty index does not fit
   */
  public static LatestValueIndex create(
      FeatureGroup group, OnlineMemoryBudget budget, BufferAllocator allocator, Clock clock) {
    return new LatestValueIndex(group, budget, allocator, clock);
  }

  public FeatureGroup group() {
    return group;
  }

  /** The latest commit sequence marked applied (0 for none). */
  public long appliedSequence() {
    return appliedSequence;
  }

  /**
   * Merges a batch of stored rows (the stored-row schema of this group, or of an earlier schema
   * version: missing features are null) into the index.
   *
   * @throws OnlineMemoryBudgetExceededException when the rows' new keys do not fit; the index is
   *     then incomplete and must be closed
   */
  public void apply(VectorSchemaRoot batch) {
    apply(batch, UNMARKED);
  }

  /** Applies a batch and tells {@code keySeen} the slot of every row applied. */
  private void apply(VectorSchemaRoot batch, IntConsumer keySeen) {
    long now = nowMicros();
    BoundBatch bound = bind(batch);
    int rows = batch.getRowCount();
    int futureCount = 0;
    long earliestFuture = Long.MAX_VALUE;
    for (int row = 0; row < rows; row++) {
      long eventTime = bound.eventTime(row);
      if (eventTime > now) {
        futureCount++;
        earliestFuture = Math.min(earliestFuture, eventTime);
      }
    }
    // Future rows wait before the others are applied, so a read never misses one that fell due
    // meanwhile; the order of merging does not matter.
    if (futureCount > 0) {
      keepFutureRows(batch, bound, now, futureCount, earliestFuture);
    }
    for (int from = 0; from < rows; from += ROWS_PER_LOCK) {
      int to = Math.min(rows, from + ROWS_PER_LOCK);
      long stamp = lock.writeLock();
      try {
        applyRows(bound, from, to, now, keySeen);
      } finally {
        lock.unlockWrite(stamp);
      }
    }
    long stamp = lock.readLock();
    boolean compact;
    try {
      compact = mostlyGarbage();
    } finally {
      lock.unlockRead(stamp);
    }
    if (compact) {
      compactValues();
    }
  }

  /**
   * Replaced STRING and BYTES values outweigh the live ones (and a chunk), and moving the live ones
   * fits in the budget.
   */
  private boolean mostlyGarbage() {
    long garbage = arena.garbageBytes();
    return garbage > arena.liveBytes()
        && garbage >= ByteArena.CHUNK_SIZE
        && memory.availableBytes() >= arena.liveBytes() + 2L * ByteArena.CHUNK_SIZE;
  }

  /**
   * Frees the chunks of replaced values: the live ones move to fresh chunks, {@link #ROWS_PER_LOCK}
   * slots per write-lock hold as updates do, so that readers wait for one slice at most; until the
   * old chunks go, a reader finds each value in its old or its new place.
   */
  private void compactValues() {
    List<BytesColumn> variableWidth = new ArrayList<>();
    for (OnlineColumn column : columns) {
      if (column instanceof BytesColumn bytes) {
        variableWidth.add(bytes);
      }
    }
    long stamp = lock.writeLock();
    int firstNewChunk;
    try {
      firstNewChunk = arena.startChunk();
    } finally {
      lock.unlockWrite(stamp);
    }
    // Reads that promote future rows add keys meanwhile; theirs are in the new chunks already.
    boolean moreKeys = true;
    for (int from = 0; moreKeys; from += ROWS_PER_LOCK) {
      stamp = lock.writeLock();
      try {
        int to = Math.min(keyCount, from + ROWS_PER_LOCK);
        for (BytesColumn column : variableWidth) {
          column.moveValues(from, to, firstNewChunk);
        }
        moreKeys = to < keyCount;
      } finally {
        lock.unlockWrite(stamp);
      }
    }
    stamp = lock.writeLock();
    try {
      arena.freeChunksBefore(firstNewChunk);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Records that every row of commits up to {@code sequence} has been applied. */
  public void markApplied(long sequence) {
    if (sequence > appliedSequence) {
      appliedSequence = sequence;
    }
  }

  /** Follows schema evolution: features added to the group start as null for every key. */
  public void evolve(FeatureGroup newer) {
    if (!newer.name().equals(group.name())) {
      throw new IllegalArgumentException("the index holds group '" + group.name() + "'");
    }
    List<FeatureDefinition> added =
        newer.features().stream().filter(f -> !columnByFeature.containsKey(f.name())).toList();
    long stamp = lock.writeLock();
    try {
      addColumns(added);
      group = newer;
      changes++;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Opens a consistent view for reading, at the current time; close it promptly, since updates wait
   * for open views.
   */
  public View view() {
    long now = nowMicros();
    if (now >= earliestFutureMicros) {
      promoteFutureRows(now);
    }
    return new View(lock.readLock(), now);
  }

  public OnlineIndexStats stats() {
    long stamp = lock.readLock();
    try {
      long pending = 0;
      for (FutureRows rows : futureRows) {
        pending += rows.batch().getRowCount();
      }
      return new OnlineIndexStats(
          group.name(),
          appliedSequence,
          keyCount - removedKeys,
          columns.size(),
          pending,
          memory.reservedBytes(),
          arena.garbageBytes());
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Starts applying every row of the group again, in place: once {@link Reload#finish} runs, keys
   * that no reapplied row named are gone, as if the index had been built afresh from the same rows.
   * This is how rows removed from the group's files (an erasure) leave an index that does not fit
   * twice in the budget; until then the index answers as before. Rows applied twice change nothing,
   * so the index needs no more memory than for the keys it gains meanwhile.
   */
  public Reload reload() {
    long stamp = lock.readLock();
    try {
      return new Reload(List.copyOf(futureRows));
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** A reload under way: {@link #apply} every row of the group, then {@link #finish}. */
  public final class Reload {
    private final BitSet keysSeen = new BitSet();
    private final List<FutureRows> futureRowsBefore;

    private Reload(List<FutureRows> futureRowsBefore) {
      this.futureRowsBefore = futureRowsBefore;
    }

    /** Merges a batch like {@link LatestValueIndex#apply} and notes the keys it names. */
    public void apply(VectorSchemaRoot batch) {
      LatestValueIndex.this.apply(batch, keysSeen::set);
    }

    /**
     * Removes the keys no applied row named, with their values, and the rows that waited for their
     * time before the reload (those still in the group's files wait again, applied anew).
     */
    public void finish() {
      long stamp = lock.writeLock();
      try {
        for (int slot = keysSeen.nextClearBit(0);
            slot < keyCount;
            slot = keysSeen.nextClearBit(slot + 1)) {
          removeKey(slot);
        }
        // earliestFutureMicros stays: at or before the rows left, the next read recomputes it.
        Iterator<FutureRows> waiting = futureRows.iterator();
        while (waiting.hasNext()) {
          FutureRows rows = waiting.next();
          if (futureRowsBefore.contains(rows)) {
            rows.batch().close();
            memory.release(rows.reservedBytes());
            waiting.remove();
          }
        }
      } finally {
        lock.unlockWrite(stamp);
      }
    }
  }

  /** Takes a key out of the key table and clears its slot, unless a reload removed it before. */
  private void removeKey(int slot) {
    int page = Pages.page(slot);
    int offset = Pages.offset(slot);
    if (eventTimes[page][offset] == Long.MIN_VALUE) {
      return;
    }
    if (longKeys != null) {
      longKeys.remove(slot);
    } else {
      stringKeys.remove(slot);
    }
    eventTimes[page][offset] = Long.MIN_VALUE;
    commitSequences[page][offset] = Long.MIN_VALUE;
    rowOrdinals[page][offset] = Long.MIN_VALUE;
    for (OnlineColumn column : columns) {
      column.clear(page, offset);
    }
    removedKeys++;
    changes++;
  }

  /** Frees the memory reserved from the budget and the rows waiting for their time. */
  @Override
  public void close() {
    long stamp = lock.writeLock();
    try {
      futureRows.forEach(rows -> rows.batch().close());
      futureRows.clear();
      memory.releaseAll();
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * The index as of one instant, under a read lock. Slots identify keys for the life of the view;
   * statuses follow the join's rules with spine time = the view's now.
   */
  public final class View implements AutoCloseable {
    private final long stamp;
    private final long nowMicros;
    private final long ttlStartMicros;
    private final long retainedFromMicros;
    private long touched;

    private View(long stamp, long nowMicros) {
      this.stamp = stamp;
      this.nowMicros = nowMicros;
      FeatureGroup current = group;
      // A TTL longer than the epoch's age admits every row, like no TTL.
      this.ttlStartMicros =
          current.hasTtl() && current.ttl().compareTo(MAX_TTL) < 0
              ? nowMicros - EpochMicros.of(current.ttl())
              : Long.MIN_VALUE;
      // Rows past the group's maximum age are gone even before the retention job removed them.
      this.retainedFromMicros =
          current
              .retainedFrom(EpochMicros.toInstant(nowMicros))
              .map(EpochMicros::of)
              .orElse(Long.MIN_VALUE);
    }

    public long nowMicros() {
      return nowMicros;
    }

    public FeatureGroup group() {
      return group;
    }

    /**
     * Moves whenever what a view of this index may answer changes (rows applied, keys removed,
     * features added), but not with time: equal for two views, what they answer for a key differs
     * only by the TTL ({@link #rowStatus}).
     */
    public long changes() {
      return changes;
    }

    /** The slot of an INT64 key, or -1 (also when its latest row is past the maximum age). */
    public int slotOf(long key) {
      requireKeyType(KeyType.INT64);
      return retained(longKeys.find(key));
    }

    /** The slot of a STRING key, or -1 (also when its latest row is past the maximum age). */
    public int slotOf(String key) {
      requireKeyType(KeyType.STRING);
      byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
      return retained(stringKeys.find(utf8, utf8.length, StringKeyTable.hash(utf8, utf8.length)));
    }

    /**
     * A key whose latest row is past the group's maximum age is not found, as every older row of it
     * is past it too: retention removed them, or will.
     */
    private int retained(int slot) {
      return slot >= 0 && eventTimeMicros(slot) < retainedFromMicros ? -1 : slot;
    }

    /** The position of a feature in the group's current features, or -1. */
    public int featureIndex(String featureName) {
      Integer column = columnByFeature.get(featureName);
      return column == null ? -1 : column;
    }

    /** PRESENT when the key has a winner within the TTL window (whatever its values). */
    public OnlineStatus rowStatus(int slot) {
      if (slot < 0) {
        return OnlineStatus.NOT_FOUND;
      }
      return eventTimeMicros(slot) < ttlStartMicros
          ? OnlineStatus.OUTSIDE_TTL
          : OnlineStatus.PRESENT;
    }

    public OnlineStatus status(int slot, int feature) {
      OnlineStatus row = rowStatus(slot);
      if (row != OnlineStatus.PRESENT) {
        return row;
      }
      return columns.get(feature).isPresent(slot) ? OnlineStatus.PRESENT : OnlineStatus.NULL_VALUE;
    }

    /** The winning row's event time; only for a slot of a key found in this view. */
    public long eventTimeMicros(int slot) {
      return eventTimes[Pages.page(slot)][Pages.offset(slot)];
    }

    /**
     * Writes the value the join would give, null unless {@link OnlineStatus#PRESENT}, and returns
     * its status.
     */
    public OnlineStatus writeValue(int slot, int feature, OnlineValueWriter out) {
      OnlineStatus status = status(slot, feature);
      if (status == OnlineStatus.PRESENT) {
        columns.get(feature).write(slot, out);
      } else {
        out.writeNull();
      }
      return status;
    }

    /**
     * Writes one feature's values for {@code slots}, as {@link #writeValue} would one by one, and
     * puts their statuses in {@code statuses}. Presence bits and values are read first, in a loop
     * of independent loads: a lookup of many keys misses the cache on nearly every value, and this
     * way the misses overlap instead of each waiting behind the writing of the value before.
     */
    public void writeValues(
        int[] slots, int feature, OnlineValueWriter out, OnlineStatus[] statuses) {
      OnlineColumn column = columns.get(feature);
      long touched = 0;
      for (int i = 0; i < slots.length; i++) {
        statuses[i] = status(slots[i], feature);
        if (statuses[i] == OnlineStatus.PRESENT) {
          touched ^= column.touch(slots[i]);
        }
      }
      // Stored, so that the compiler keeps the loads.
      this.touched = touched;
      for (int i = 0; i < slots.length; i++) {
        if (statuses[i] == OnlineStatus.PRESENT) {
          column.write(slots[i], out);
        } else {
          out.writeNull();
        }
      }
    }

    @Override
    public void close() {
      lock.unlockRead(stamp);
    }

    private void requireKeyType(KeyType expected) {
      if (keyType != expected) {
        throw new IllegalArgumentException(
            "group '" + group.name() + "' has " + keyType + " keys, not " + expected);
      }
    }
  }

  private void addColumns(List<FeatureDefinition> features) {
    Map<String, Integer> byFeature = new HashMap<>(columnByFeature);
    int eightByteFeatures = (int) features.stream().filter(f -> LongRows.holds(f.type())).count();
    LongRows rows = new LongRows(memory, eightByteFeatures);
    List<PageStorage> added = new ArrayList<>();
    if (eightByteFeatures > 0) {
      added.add(rows);
    }
    List<OnlineColumn> addedColumns = new ArrayList<>();
    for (FeatureDefinition feature : features) {
      OnlineColumn column = OnlineColumn.of(feature, memory, arena, rows);
      if (column instanceof PagedColumn paged) {
        added.add(paged);
      }
      addedColumns.add(column);
    }
    // Every page first, so that a budget refusal leaves no column without its storage.
    for (PageStorage storage : added) {
      for (int page = 0; page < eventTimes.length; page++) {
        storage.addPage(page);
      }
    }
    storages.addAll(added);
    for (int i = 0; i < features.size(); i++) {
      byFeature.put(features.get(i).name(), columns.size());
      columns.add(addedColumns.get(i));
    }
    columnByFeature = Map.copyOf(byFeature);
  }

  /**
   * Merges the rows from {@code from} to {@code to} whose event time is at or before {@code now}:
   * first the winners' slots and versions, row by row, then their values column by column, which
   * touches one column's pages at a time. A slot won twice in the range gets both rows' values in
   * row order, so the later winner's stay.
   */
  private void applyRows(BoundBatch bound, int from, int to, long now, IntConsumer keySeen) {
    if (winningRows.length < to - from) {
      winningRows = new int[to - from];
      winningSlots = new int[to - from];
    }
    int winners = 0;
    for (int row = from; row < to; row++) {
      long eventTime = bound.eventTime(row);
      if (eventTime > now) {
        continue;
      }
      long sequence = bound.commitSequence(row);
      long ordinal = bound.rowOrdinal(row);
      int slot = bound.findOrAddKey(row);
      keySeen.accept(slot);
      int page = Pages.page(slot);
      int offset = Pages.offset(slot);
      if (wins(eventTime, sequence, ordinal, page, offset)) {
        eventTimes[page][offset] = eventTime;
        commitSequences[page][offset] = sequence;
        rowOrdinals[page][offset] = ordinal;
        winningRows[winners] = row;
        winningSlots[winners] = slot;
        winners++;
      }
    }
    for (int column = 0; column < columns.size(); column++) {
      columns.get(column).copy(bound.features[column], winningRows, winningSlots, winners);
    }
    if (winners > 0) {
      changes++;
    }
  }

  private boolean wins(long eventTime, long sequence, long ordinal, int page, int offset) {
    long storedTime = eventTimes[page][offset];
    if (eventTime != storedTime) {
      return eventTime > storedTime;
    }
    long storedSequence = commitSequences[page][offset];
    if (sequence != storedSequence) {
      return sequence > storedSequence;
    }
    return ordinal > rowOrdinals[page][offset];
  }

  /** A new slot whose row version loses to every real row. */
  private int addSlot() {
    int slot = keyCount;
    int page = Pages.page(slot);
    if (page == eventTimes.length) {
      addPage(page);
    }
    eventTimes[page][Pages.offset(slot)] = Long.MIN_VALUE;
    commitSequences[page][Pages.offset(slot)] = Long.MIN_VALUE;
    rowOrdinals[page][Pages.offset(slot)] = Long.MIN_VALUE;
    keyCount++;
    return slot;
  }

  private void addPage(int page) {
    memory.reserve(3 * (8L * Pages.SIZE + Pages.ARRAY_OVERHEAD_BYTES));
    if (longKeys != null) {
      longKeys.addPage(page);
    } else {
      stringKeys.addPage(page);
    }
    for (PageStorage storage : storages) {
      storage.addPage(page);
    }
    eventTimes = appendPage(eventTimes, page);
    commitSequences = appendPage(commitSequences, page);
    rowOrdinals = appendPage(rowOrdinals, page);
  }

  private static long[][] appendPage(long[][] pages, int page) {
    long[][] larger = Arrays.copyOf(pages, page + 1);
    larger[page] = new long[Pages.SIZE];
    return larger;
  }

  private void keepFutureRows(
      VectorSchemaRoot batch, BoundBatch bound, long now, int futureCount, long earliest) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), allocator);
    try {
      copy.allocateNew();
      int target = 0;
      for (int row = 0; row < batch.getRowCount(); row++) {
        if (bound.eventTime(row) > now) {
          for (int column = 0; column < batch.getFieldVectors().size(); column++) {
            copy.getVector(column).copyFromSafe(row, target, batch.getVector(column));
          }
          target++;
        }
      }
      copy.setRowCount(futureCount);
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
    long bytes = 0;
    for (FieldVector vector : copy.getFieldVectors()) {
      bytes += vector.getBufferSize();
    }
    long stamp = lock.writeLock();
    try {
      // Counted in the budget like the index's own pages, though off the heap.
      memory.reserve(bytes);
      futureRows.add(new FutureRows(copy, bytes));
      earliestFutureMicros = Math.min(earliestFutureMicros, earliest);
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * Applies waiting rows whose time has come. Rows stay in their batch until all of the batch is
   * due; applying a row again later changes nothing, since it no longer wins over itself.
   */
  private void promoteFutureRows(long now) {
    long stamp = lock.writeLock();
    try {
      long earliest = Long.MAX_VALUE;
      Iterator<FutureRows> waiting = futureRows.iterator();
      while (waiting.hasNext()) {
        FutureRows rows = waiting.next();
        VectorSchemaRoot batch = rows.batch();
        BoundBatch bound = bind(batch);
        applyRows(bound, 0, batch.getRowCount(), now, UNMARKED);
        boolean allDue = true;
        for (int row = 0; row < batch.getRowCount(); row++) {
          long eventTime = bound.eventTime(row);
          if (eventTime > now) {
            allDue = false;
            earliest = Math.min(earliest, eventTime);
          }
        }
        if (allDue) {
          batch.close();
          memory.release(rows.reservedBytes());
          waiting.remove();
        }
      }
      earliestFutureMicros = earliest;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** Rows waiting for their event time, off the heap, and what they hold of the budget. */
  private record FutureRows(VectorSchemaRoot batch, long reservedBytes) {}

  private BoundBatch bind(VectorSchemaRoot batch) {
    FieldVector[] features = new FieldVector[columns.size()];
    for (Map.Entry<String, Integer> feature : columnByFeature.entrySet()) {
      features[feature.getValue()] = batch.getVector(feature.getKey());
    }
    return new BoundBatch(
        batch.getVector(group.entity().name()),
        ((BaseFixedWidthVector) batch.getVector(FeatureGroup.EVENT_TIME)).getDataBuffer(),
        ((BaseFixedWidthVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE)).getDataBuffer(),
        ((BaseFixedWidthVector) batch.getVector(StoredRowSchema.ROW_ORDINAL)).getDataBuffer(),
        features);
  }

  /** A batch's vectors, looked up once; the key and system columns are never null. */
  private final class BoundBatch {
    private final FieldVector keys;
    private final ArrowBuf eventTimes;
    private final ArrowBuf commitSequences;
    private final ArrowBuf rowOrdinals;
    private final FieldVector[] features;

    BoundBatch(
        FieldVector keys,
        ArrowBuf eventTimes,
        ArrowBuf commitSequences,
        ArrowBuf rowOrdinals,
        FieldVector[] features) {
      this.keys = requireNonNull(keys, "the batch has no key column");
      this.eventTimes = eventTimes;
      this.commitSequences = commitSequences;
      this.rowOrdinals = rowOrdinals;
      this.features = features;
    }

    long eventTime(int row) {
      return eventTimes.getLong(8L * row);
    }

    long commitSequence(int row) {
      return commitSequences.getLong(8L * row);
    }

    long rowOrdinal(int row) {
      return rowOrdinals.getLong(8L * row);
    }

    int findOrAddKey(int row) {
      if (longKeys != null) {
        long key = ((BaseFixedWidthVector) keys).getDataBuffer().getLong(8L * row);
        int slot = longKeys.find(key);
        if (slot < 0) {
          slot = addSlot();
          longKeys.add(key, slot);
        }
        return slot;
      }
      BaseVariableWidthVector strings = (BaseVariableWidthVector) keys;
      int length = strings.getValueLength(row);
      if (keyScratch.length < length) {
        keyScratch = new byte[Math.max(length, 2 * keyScratch.length)];
      }
      strings.getDataBuffer().getBytes(strings.getStartOffset(row), keyScratch, 0, length);
      int hash = StringKeyTable.hash(keyScratch, length);
      int slot = stringKeys.find(keyScratch, length, hash);
      if (slot < 0) {
        slot = addSlot();
        stringKeys.add(keyScratch, length, hash, slot);
      }
      return slot;
    }
  }

  private long nowMicros() {
    return EpochMicros.of(clock.instant());
  }
}
