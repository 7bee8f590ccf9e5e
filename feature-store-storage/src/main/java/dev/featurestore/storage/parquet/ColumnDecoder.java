package dev.featurestore.storage.parquet;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.ingest.UploadLimits;
import java.nio.ByteBuffer;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.io.api.Binary;

/**
 * Decodes one Parquet column into one Arrow vector, straight from Parquet's {@link ColumnReader}
 * (no record assembly, no per-row objects). Each batch fills positions {@code 0..rows-1} of a
 * freshly allocated vector; one decoder serves every row group of a file. This is the row path:
 * {@link PageDecoder} reads the chunks whose encodings it knows in bulk, and this decoder reads the
 * others (DELTA_*, BYTE_STREAM_SPLIT...) and names the rows of both paths' errors.
 */
abstract class ColumnDecoder {
  final String column;
  final int maxDefinitionLevel;
  final boolean nullable;
  ColumnReader reader;

  /** The file row of the batch's first row, so errors can name the row at fault. */
  long batchStartRow;

  /** Counts each string or binary value before it is copied (the bulk path uses it too). */
  UploadBudget budget = UploadLimits.NONE.newBudget();

  ColumnDecoder(String column, int maxDefinitionLevel, boolean nullable) {
    this.column = column;
    this.maxDefinitionLevel = maxDefinitionLevel;
    this.nullable = nullable;
  }

  /** Starts reading the column chunk of the next row group. */
  void startRowGroup(ColumnReader columnReader) {
    this.reader = columnReader;
  }

  abstract void decode(FieldVector vector, int rows);

  /** Whether the current value is present; a null in a not-null column is bad input. */
  final boolean present(int row) {
    if (reader.getCurrentDefinitionLevel() == maxDefinitionLevel) {
      return true;
    }
    if (!nullable) {
      throw new InvalidInputException(at(row), "must not be null");
    }
    return false;
  }

  /** Counts a string or binary value of {@code length} bytes at {@code row} before its copy. */
  final void countValue(int row, int length) {
    if (!budget.fits(length)) {
      throw budget.valueTooLong(at(row), length);
    }
    budget.addDecodedBytes(length);
  }

  /** The row's field, as in {@code rows[41].user_id}. */
  final String at(int row) {
    return "rows[" + (batchStartRow + row) + "]." + column;
  }

  /** A column the file does not have: every value is null (a feature added after the file). */
  static final class Absent extends ColumnDecoder {
    Absent(String column) {
      super(column, 0, true);
    }

    @Override
    void decode(FieldVector vector, int rows) {}
  }

  static final class Strings extends ColumnDecoder {
    Strings(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      VarCharVector strings = (VarCharVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          ByteBuffer bytes = reader.getBinary().toByteBuffer();
          countValue(row, bytes.remaining());
          strings.setSafe(row, bytes, bytes.position(), bytes.remaining());
        }
        reader.consume();
      }
    }
  }

  static final class Bytes extends ColumnDecoder {
    Bytes(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      VarBinaryVector bytes = (VarBinaryVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          Binary value = reader.getBinary();
          ByteBuffer buffer = value.toByteBuffer();
          countValue(row, buffer.remaining());
          bytes.setSafe(row, buffer, buffer.position(), buffer.remaining());
        }
        reader.consume();
      }
    }
  }

  static final class Longs extends ColumnDecoder {
    Longs(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      BigIntVector longs = (BigIntVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          longs.set(row, reader.getLong());
        }
        reader.consume();
      }
    }
  }

  /** Timestamps in any Parquet unit, stored as UTC microseconds. */
  static final class Timestamps extends ColumnDecoder {
    final long multiplier;
    final long divisor;

    Timestamps(
        String column, int maxDefinitionLevel, boolean nullable, long multiplier, long divisor) {
      super(column, maxDefinitionLevel, nullable);
      this.multiplier = multiplier;
      this.divisor = divisor;
    }

    @Override
    void decode(FieldVector vector, int rows) {
      TimeStampMicroTZVector times = (TimeStampMicroTZVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          long value = reader.getLong();
          long micros =
              divisor == 1 ? Math.multiplyExact(value, multiplier) : Math.floorDiv(value, divisor);
          times.set(row, micros);
        }
        reader.consume();
      }
    }
  }

  static final class Ints extends ColumnDecoder {
    Ints(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      IntVector ints = (IntVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          ints.set(row, reader.getInteger());
        }
        reader.consume();
      }
    }
  }

  static final class Booleans extends ColumnDecoder {
    Booleans(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      BitVector bits = (BitVector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          bits.set(row, reader.getBoolean() ? 1 : 0);
        }
        reader.consume();
      }
    }
  }

  static final class Floats extends ColumnDecoder {
    Floats(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      Float4Vector floats = (Float4Vector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          floats.set(row, reader.getFloat());
        }
        reader.consume();
      }
    }
  }

  static final class Doubles extends ColumnDecoder {
    Doubles(String column, int maxDefinitionLevel, boolean nullable) {
      super(column, maxDefinitionLevel, nullable);
    }

    @Override
    void decode(FieldVector vector, int rows) {
      Float8Vector doubles = (Float8Vector) vector;
      for (int row = 0; row < rows; row++) {
        if (present(row)) {
          doubles.set(row, reader.getDouble());
        }
        reader.consume();
      }
    }
  }

  /**
   * A three-level LIST of FLOAT into a fixed-size list: every non-null list must have exactly the
   * feature's dimension and no null element.
   */
  static final class FloatVectors extends ColumnDecoder {
    final int listPresentLevel;
    final int dimension;

    /**
     * @param listPresentLevel the definition level at which the list itself is not null; one more
     *     means it has an element
     */
    FloatVectors(
        String column,
        int maxDefinitionLevel,
        boolean nullable,
        int listPresentLevel,
        int dimension) {
      super(column, maxDefinitionLevel, nullable);
      this.listPresentLevel = listPresentLevel;
      this.dimension = dimension;
    }

    @Override
    void decode(FieldVector vector, int rows) {
      FixedSizeListVector lists = (FixedSizeListVector) vector;
      Float4Vector elements = (Float4Vector) lists.getDataVector();
      for (int row = 0; row < rows; row++) {
        int definitionLevel = reader.getCurrentDefinitionLevel();
        if (definitionLevel < listPresentLevel) {
          if (!nullable) {
            throw new InvalidInputException(at(row), "must not be null");
          }
          reader.consume();
          continue;
        }
        int count = 0;
        int first = row * dimension;
        do {
          definitionLevel = reader.getCurrentDefinitionLevel();
          if (definitionLevel == listPresentLevel) {
            break; // an empty list: one entry, no element
          }
          if (definitionLevel != maxDefinitionLevel) {
            throw new InvalidInputException(at(row), "has a null vector element");
          }
          if (count == dimension) {
            throw wrongDimension(row, count + 1);
          }
          elements.set(first + count, reader.getFloat());
          count++;
          reader.consume();
        } while (reader.getCurrentRepetitionLevel() > 0);
        if (count == 0) {
          reader.consume();
        }
        if (count != dimension) {
          throw wrongDimension(row, count);
        }
        lists.setNotNull(row);
      }
    }

    InvalidInputException wrongDimension(int row, int count) {
      return new InvalidInputException(
          at(row),
          "has a vector of "
              + (count > dimension ? "more than " + dimension : count)
              + " elements"
              + "; the feature has "
              + dimension);
    }
  }
}
