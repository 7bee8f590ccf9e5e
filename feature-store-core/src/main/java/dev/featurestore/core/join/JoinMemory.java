package dev.featurestore.core.join;

import dev.featurestore.core.model.StoredRowSchema;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Estimates of a join's memory, from which the engine chooses between memory and partitions. */
final class JoinMemory {
  /**
   * Heap per spine row and group in a {@link SpineSlotJoin}: its slot, the slot's time, its
   * candidate's time, commit and ordinal, its winner, the key id and row kept while slots are
   * built, and a share of the key dictionary.
   */
  static final long HEAP_BYTES_PER_SPINE_SLOT = 4 + 8 + 3 * 8 + 4 + 4 + 4 + 24;

  /** A guess at one variable-width or nested value, whose size only the data knows. */
  private static final long VARIABLE_VALUE_BYTES = 32;

  private JoinMemory() {}

  /**
   * Whether every group's slots and candidate values fit in the budget at once: the in-memory join
   * holds those for the whole spine, and nothing of the stored rows but the batch being read.
   */
  static boolean fitsInMemory(PointInTimeJoinRequest request, long budgetBytes) {
    long needed = 0;
    for (FeatureGroupRequest group : request.groups()) {
      needed += request.spine().getRowCount() * bytesPerSpineRow(group);
    }
    return needed <= budgetBytes;
  }

  /** Heap and Arrow memory one spine row costs a {@link SpineSlotJoin} of the group. */
  static long bytesPerSpineRow(FeatureGroupRequest group) {
    return HEAP_BYTES_PER_SPINE_SLOT + featureBytesPerRow(group);
  }

  /** Arrow memory of one row of the requested features. */
  static long featureBytesPerRow(FeatureGroupRequest group) {
    long bytes = 0;
    for (FeatureSelection selection : group.features()) {
      ArrowType type =
          StoredRowSchema.featureField(group.group().feature(selection.featureName()).orElseThrow())
              .getType();
      bytes += valueBytes(type);
    }
    return bytes;
  }

  private static long valueBytes(ArrowType type) {
    long bits = 0;
    boolean variable = type.isComplex();
    for (BufferLayout layout : TypeLayout.getTypeLayout(type).getBufferLayouts()) {
      bits += layout.getTypeBitWidth();
      variable |= layout.getType() == BufferLayout.BufferType.OFFSET;
    }
    return (bits + 7) / 8 + (variable ? VARIABLE_VALUE_BYTES : 0);
  }
}
