package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/** FLOAT32_VECTOR values: {@code dimension} floats per slot, contiguous within a page. */
final class FloatVectorColumn extends PagedColumn {
  private final int dimension;
  private float[][] values = new float[0][];

  FloatVectorColumn(MemoryAccount memory, int dimension) {
    super(memory);
    this.dimension = dimension;
  }

  @Override
  void addValuePage(int page) {
    memory.reserve(4L * dimension * Pages.SIZE + Pages.ARRAY_OVERHEAD_BYTES);
    values = Arrays.copyOf(values, page + 1);
    values[page] = new float[dimension * Pages.SIZE];
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    ArrowBuf elements = ((FixedSizeListVector) source).getDataVector().getDataBuffer();
    long start = 4L * dimension * row;
    float[] target = values[page];
    int targetStart = offset * dimension;
    for (int i = 0; i < dimension; i++) {
      target[targetStart + i] = elements.getFloat(start + 4L * i);
    }
  }

  @Override
  long touch(int slot) {
    return Float.floatToRawIntBits(values[Pages.page(slot)][Pages.offset(slot) * dimension]);
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    out.writeFloatVector(values[Pages.page(slot)], Pages.offset(slot) * dimension, dimension);
  }
}
