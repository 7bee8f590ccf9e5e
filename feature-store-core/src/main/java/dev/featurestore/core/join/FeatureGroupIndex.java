package dev.featurestore.core.join;

import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;

/**
 * The visible rows of one feature group, sorted by (key id, event time, commit sequence, row
 * ordinal) in parallel primitive arrays, with the requested feature vectors taken over from the
 * source batches. For a spine row the winner is then the last row of its key's bucket whose event
 * time is at or before the spine time: one binary search.
 */
final class FeatureGroupIndex implements AutoCloseable {
  static final int NO_WINNER = -1;

  /** Buckets of fewer rows are sorted by insertion, larger ones by heapsort. */
  private static final int INSERTION_SORT_LIMIT = 24;

  private static final int MINIMUM_CAPACITY = 1024;

  /** The largest Java array, give or take the VM's header words. */
  private static final int MAXIMUM_CAPACITY = Integer.MAX_VALUE - 8;

  private static final int BATCH_INDEX_SHIFT = 32;
  private static final long ROW_IN_BATCH_MASK = 0xFFFF_FFFFL;

  private final KeyDictionary dictionary;

  /** Per source batch, the requested features; null for a batch without visible rows. */
  private final List<FieldVector[]> batchFeatures;

  private final int[] bucketStarts;
  private final long[] eventTimes;
  private final long[] commitSequences;
  private final long[] rowOrdinals;

  /** Source batch index in the high 32 bits, row within the batch in the low 32 bits. */
  private final long[] locations;

  private FeatureGroupIndex(
      KeyDictionary dictionary,
      List<FieldVector[]> batchFeatures,
      int[] bucketStarts,
      long[] eventTimes,
      long[] commitSequences,
      long[] rowOrdinals,
      long[] locations) {
    this.dictionary = dictionary;
    this.batchFeatures = batchFeatures;
    this.bucketStarts = bucketStarts;
    this.eventTimes = eventTimes;
    this.commitSequences = commitSequences;
    this.rowOrdinals = rowOrdinals;
    this.locations = locations;
  }

  /** Reads the group's rows once, keeping only rows visible as of the request's commit. */
  static FeatureGroupIndex build(FeatureGroupRequest request, BufferAllocator allocator)
      throws IOException {
    VisibleRows rows = new VisibleRows(request, allocator);
    try {
      request.storedRows().forEachBatch(rows::add);
      return rows.sorted();
    } catch (RuntimeException | IOException | Error e) {
      rows.closeFeatures(e);
      throw e;
    }
  }

  KeyDictionary dictionary() {
    return dictionary;
  }

  /** The sorted position of the winner for a spine row, or {@link #NO_WINNER}. */
  int winner(int keyId, long spineTimeMicros, long ttlMicros) {
    int bucketStart = bucketStarts[keyId];
    int low = bucketStart;
    int high = bucketStarts[keyId + 1];
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (eventTimes[middle] <= spineTimeMicros) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    int candidate = low - 1;
    if (candidate < bucketStart) {
      return NO_WINNER;
    }
    if (ttlMicros != 0 && eventTimes[candidate] < windowStart(spineTimeMicros, ttlMicros)) {
      return NO_WINNER;
    }
    return candidate;
  }

  long eventTime(int position) {
    return eventTimes[position];
  }

  long commitSequence(int position) {
    return commitSequences[position];
  }

  long rowOrdinal(int position) {
    return rowOrdinals[position];
  }

  /** The vector holding the winner's value of the requested feature, or null when it has none. */
  FieldVector featureVector(int position, int featureIndex) {
    return batchFeatureVector(batchOf(position), featureIndex);
  }

  int batchCount() {
    return batchFeatures.size();
  }

  /**
   * A source batch's vector of the requested feature; null when the batch lacks it or is unused.
   */
  FieldVector batchFeatureVector(int batch, int featureIndex) {
    FieldVector[] features = batchFeatures.get(batch);
    return features == null ? null : features[featureIndex];
  }

  int batchOf(int position) {
    return (int) (locations[position] >>> BATCH_INDEX_SHIFT);
  }

  int rowInBatch(int position) {
    return (int) (locations[position] & ROW_IN_BATCH_MASK);
  }

  @Override
  public void close() {
    List<AutoCloseable> vectors = new ArrayList<>();
    for (FieldVector[] features : batchFeatures) {
      if (features != null) {
        vectors.addAll(Arrays.asList(features));
      }
    }
    try {
      AutoCloseables.close(vectors);
    } catch (Exception e) {
      throw new IllegalStateException("could not release a feature vector", e);
    }
  }

  private static long windowStart(long spineTimeMicros, long ttlMicros) {
    long start = spineTimeMicros - ttlMicros;
    // Saturate instead of wrapping around for spine times near the smallest instant.
    return start > spineTimeMicros ? Long.MIN_VALUE : start;
  }

  /** Growable column arrays of the visible rows, in the order the source gave them. */
  private static final class VisibleRows {
    private final FeatureGroupRequest request;
    private final BufferAllocator allocator;
    private final KeyDictionary dictionary;
    private final List<Field> expectedFeatureFields;
    private final List<FieldVector[]> batchFeatures = new ArrayList<>();
    private int count;
    private int[] keyIds;
    private long[] eventTimes;
    private long[] commitSequences;
    private long[] rowOrdinals;
    private long[] locations;
    private int[] visibleRows = new int[0];

    VisibleRows(FeatureGroupRequest request, BufferAllocator allocator) {
      this.request = request;
      this.allocator = allocator;
      this.dictionary = KeyDictionary.forKeyType(request.group().entity().keyType());
      this.expectedFeatureFields = new ArrayList<>();
      for (FeatureSelection selection : request.features()) {
        FeatureDefinition definition =
            request.group().feature(selection.featureName()).orElseThrow();
        expectedFeatureFields.add(StoredRowSchema.featureField(definition));
      }
      long hint = request.storedRows().rowCountHint();
      int capacity = (int) Math.clamp(hint, MINIMUM_CAPACITY, MAXIMUM_CAPACITY);
      keyIds = new int[capacity];
      eventTimes = new long[capacity];
      commitSequences = new long[capacity];
      rowOrdinals = new long[capacity];
      locations = new long[capacity];
    }

    void add(VectorSchemaRoot batch) {
      int batchIndex = batchFeatures.size();
      StoredColumns columns = StoredColumns.of(batch, request.group());
      FieldVector keys = columns.keys();
      BigIntVector commitVector = columns.commits();
      int rowCount = batch.getRowCount();
      if (visibleRows.length < rowCount) {
        visibleRows = new int[rowCount];
      }
      long asOf = request.asOfCommitSequence();
      long commitAddress = commitVector.getDataBufferAddress();
      int visibleCount = 0;
      for (int row = 0; row < rowCount; row++) {
        if (ColumnMemory.longAt(commitAddress, row) <= asOf) {
          visibleRows[visibleCount++] = row;
        }
      }
      while (count + visibleCount > keyIds.length) {
        grow();
      }
      dictionary.idsOrAdd(keys, visibleRows, visibleCount, keyIds, count);
      long eventTimeAddress = columns.eventTimes().getDataBufferAddress();
      long ordinalAddress = columns.ordinals().getDataBufferAddress();
      int visibleBefore = count;
      for (int i = 0; i < visibleCount; i++) {
        int row = visibleRows[i];
        eventTimes[count] = ColumnMemory.longAt(eventTimeAddress, row);
        commitSequences[count] = ColumnMemory.longAt(commitAddress, row);
        rowOrdinals[count] = ColumnMemory.longAt(ordinalAddress, row);
        locations[count] = ((long) batchIndex << BATCH_INDEX_SHIFT) | row;
        count++;
      }
      batchFeatures.add(count == visibleBefore ? null : takeFeatures(batch));
    }

    /**
     * Takes over the requested feature vectors; a column missing from an older file is all null.
     */
    private FieldVector[] takeFeatures(VectorSchemaRoot batch) {
      FieldVector[] features = new FieldVector[expectedFeatureFields.size()];
      try {
        for (int i = 0; i < features.length; i++) {
          FieldVector vector =
              StoredColumns.feature(batch, request.group(), expectedFeatureFields.get(i));
          if (vector == null) {
            continue;
          }
          TransferPair transfer = vector.getTransferPair(allocator);
          transfer.transfer();
          features[i] = (FieldVector) transfer.getTo();
        }
      } catch (RuntimeException e) {
        closeAll(features, e);
        throw e;
      }
      return features;
    }

    private void grow() {
      if (keyIds.length == MAXIMUM_CAPACITY) {
        throw new IllegalStateException(
            "group '" + request.group().name() + "' has more visible rows than one join can hold");
      }
      int capacity = (int) Math.min((long) keyIds.length * 2, MAXIMUM_CAPACITY);
      keyIds = Arrays.copyOf(keyIds, capacity);
      eventTimes = Arrays.copyOf(eventTimes, capacity);
      commitSequences = Arrays.copyOf(commitSequences, capacity);
      rowOrdinals = Arrays.copyOf(rowOrdinals, capacity);
      locations = Arrays.copyOf(locations, capacity);
    }

    /** Counting sort by key id, then each key's bucket by (event time, commit, ordinal). */
    FeatureGroupIndex sorted() {
      int keyCount = dictionary.size();
      int[] bucketStarts = new int[keyCount + 1];
      for (int i = 0; i < count; i++) {
        bucketStarts[keyIds[i] + 1]++;
      }
      for (int key = 0; key < keyCount; key++) {
        bucketStarts[key + 1] += bucketStarts[key];
      }
      int[] positions = new int[count];
      int[] nextInBucket = Arrays.copyOf(bucketStarts, keyCount);
      for (int i = 0; i < count; i++) {
        positions[i] = nextInBucket[keyIds[i]]++;
      }
      keyIds = null;
      long[] sortedEventTimes = permute(eventTimes, positions);
      eventTimes = null;
      long[] sortedCommits = permute(commitSequences, positions);
      commitSequences = null;
      long[] sortedOrdinals = permute(rowOrdinals, positions);
      rowOrdinals = null;
      long[] sortedLocations = permute(locations, positions);
      locations = null;
      BucketSorter sorter =
          new BucketSorter(
              bucketStarts, sortedEventTimes, sortedCommits, sortedOrdinals, sortedLocations);
      sorter.sortBuckets();
      return new FeatureGroupIndex(
          dictionary,
          batchFeatures,
          bucketStarts,
          sortedEventTimes,
          sortedCommits,
          sortedOrdinals,
          sortedLocations);
    }

    private long[] permute(long[] values, int[] positions) {
      long[] sorted = new long[count];
      for (int i = 0; i < count; i++) {
        sorted[positions[i]] = values[i];
      }
      return sorted;
    }

    void closeFeatures(Throwable failure) {
      for (FieldVector[] features : batchFeatures) {
        if (features != null) {
          closeAll(features, failure);
        }
      }
    }

    private static void closeAll(FieldVector[] vectors, Throwable failure) {
      for (FieldVector vector : vectors) {
        if (vector != null) {
          try {
            vector.close();
          } catch (RuntimeException e) {
            failure.addSuppressed(e);
          }
        }
      }
    }
  }

  /** Sorts every key's bucket of four parallel arrays in place. */
  private record BucketSorter(
      int[] bucketStarts, long[] eventTimes, long[] commits, long[] ordinals, long[] locations) {

    void sortBuckets() {
      for (int key = 0; key < bucketStarts.length - 1; key++) {
        int from = bucketStarts[key];
        int to = bucketStarts[key + 1];
        if (to - from <= INSERTION_SORT_LIMIT) {
          insertionSort(from, to);
        } else {
          heapSort(from, to);
        }
      }
    }

    private void insertionSort(int from, int to) {
      for (int i = from + 1; i < to; i++) {
        long eventTime = eventTimes[i];
        long commit = commits[i];
        long ordinal = ordinals[i];
        long location = locations[i];
        int j = i - 1;
        while (j >= from && isAfter(j, eventTime, commit, ordinal)) {
          eventTimes[j + 1] = eventTimes[j];
          commits[j + 1] = commits[j];
          ordinals[j + 1] = ordinals[j];
          locations[j + 1] = locations[j];
          j--;
        }
        eventTimes[j + 1] = eventTime;
        commits[j + 1] = commit;
        ordinals[j + 1] = ordinal;
        locations[j + 1] = location;
      }
    }

    private void heapSort(int from, int to) {
      int size = to - from;
      for (int parent = size / 2 - 1; parent >= 0; parent--) {
        siftDown(from, parent, size);
      }
      for (int last = size - 1; last > 0; last--) {
        swap(from, from + last);
        siftDown(from, 0, last);
      }
    }

    private void siftDown(int base, int node, int size) {
      int parent = node;
      while (true) {
        int child = 2 * parent + 1;
        if (child >= size) {
          return;
        }
        if (child + 1 < size && isBefore(base + child, base + child + 1)) {
          child++;
        }
        if (!isBefore(base + parent, base + child)) {
          return;
        }
        swap(base + parent, base + child);
        parent = child;
      }
    }

    /** Whether the row at {@code position} sorts after (eventTime, commit, ordinal). */
    private boolean isAfter(int position, long eventTime, long commit, long ordinal) {
      if (eventTimes[position] != eventTime) {
        return eventTimes[position] > eventTime;
      }
      if (commits[position] != commit) {
        return commits[position] > commit;
      }
      return ordinals[position] > ordinal;
    }

    private boolean isBefore(int left, int right) {
      return isAfter(right, eventTimes[left], commits[left], ordinals[left]);
    }

    private void swap(int left, int right) {
      swap(eventTimes, left, right);
      swap(commits, left, right);
      swap(ordinals, left, right);
      swap(locations, left, right);
    }

    private static void swap(long[] values, int left, int right) {
      long value = values[left];
      values[left] = values[right];
      values[right] = value;
    }
  }
}
