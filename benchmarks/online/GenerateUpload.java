import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes the online benchmark's upload as an Arrow IPC stream: {@code keys} INT64 keys (0..keys-1),
 * one row each with an event time in the last day and {@code features} FLOAT64 features named
 * f00.., deterministic (seed 42). Usage: GenerateUpload <file> <keys> <features>
 */
public class GenerateUpload {
  public static void main(String[] args) throws Exception {
    String file = args[0];
    int keys = Integer.parseInt(args[1]);
    int features = Integer.parseInt(args[2]);
    List<Field> fields = new ArrayList<>();
    fields.add(Field.notNullable("item_id", new ArrowType.Int(64, true)));
    fields.add(
        Field.notNullable("event_time", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")));
    for (int f = 0; f < features; f++) {
      fields.add(
          new Field(
              String.format("f%02d", f),
              FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              null));
    }
    SplittableRandom random = new SplittableRandom(42);
    long now = Instant.now().getEpochSecond() * 1_000_000L;
    int batchRows = 65_536;
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        OutputStream out = new FileOutputStream(file);
        ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      for (int start = 0; start < keys; start += batchRows) {
        int rows = Math.min(batchRows, keys - start);
        root.allocateNew();
        BigIntVector ids = (BigIntVector) root.getVector(0);
        TimeStampMicroTZVector times = (TimeStampMicroTZVector) root.getVector(1);
        for (int row = 0; row < rows; row++) {
          ids.setSafe(row, start + row);
          times.setSafe(row, now - random.nextLong(86_400_000_000L));
          for (int f = 0; f < features; f++) {
            ((Float8Vector) root.getVector(2 + f)).setSafe(row, random.nextDouble() * 1000);
          }
        }
        root.setRowCount(rows);
        writer.writeBatch();
      }
      writer.end();
    }
  }
}
