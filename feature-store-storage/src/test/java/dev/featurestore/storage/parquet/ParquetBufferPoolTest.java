package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParquetBufferPoolTest {

  @Test
  void sizesRoundUpToAQuarterStepOfTheirPowerOfTwo() {
    assertThat(ParquetBufferPool.SHARED.sizeClass(1)).isEqualTo(4_096);
    assertThat(ParquetBufferPool.SHARED.sizeClass(4_096)).isEqualTo(4_096);
    assertThat(ParquetBufferPool.SHARED.sizeClass(4_097)).isEqualTo(5_120);
    assertThat(ParquetBufferPool.SHARED.sizeClass(1 << 20)).isEqualTo(1 << 20);
    assertThat(ParquetBufferPool.SHARED.sizeClass((1 << 20) + 1)).isEqualTo(5 << 18);
    assertThat(ParquetBufferPool.SHARED.sizeClass(7 << 18)).isEqualTo(7 << 18);
    assertThat(ParquetBufferPool.SHARED.sizeClass((7 << 18) + 1)).isEqualTo(1 << 21);
    for (int size = 4_097; size < 3_000_000; size += 997) {
      int capacity = ParquetBufferPool.SHARED.sizeClass(size);
      assertThat(capacity).isGreaterThanOrEqualTo(size).isLessThanOrEqualTo(size + size / 4);
      assertThat(ParquetBufferPool.SHARED.sizeClass(capacity)).isEqualTo(capacity);
    }
  }

  @Test
  void aReleasedBufferIsHandedOutAgainWithTheRequestedLimit() {
    ParquetBufferPool pool = new ParquetBufferPool(1 << 20);
    ByteBuffer first = pool.allocate(5_000);
    assertThat(first.isDirect()).isTrue();
    assertThat(first.position()).isZero();
    assertThat(first.limit()).isEqualTo(5_000);
    first.putInt(42).flip();
    pool.release(first);
    assertThat(pool.idleBytes()).isEqualTo(5_120);

    ByteBuffer second = pool.allocate(5_100);
    assertThat(second).isSameAs(first);
    assertThat(second.position()).isZero();
    assertThat(second.limit()).isEqualTo(5_100);
    assertThat(pool.idleBytes()).isZero();
    assertThat(pool.allocate(5_100)).isNotSameAs(first);
  }

  @Test
  void keepsNoMoreThanItsIdleLimitAndIgnoresForeignBuffers() {
    ParquetBufferPool pool = new ParquetBufferPool(8_192);
    ByteBuffer a = pool.allocate(4_096);
    ByteBuffer b = pool.allocate(4_096);
    ByteBuffer c = pool.allocate(4_096);
    pool.release(a);
    pool.release(b);
    pool.release(c);
    assertThat(pool.idleBytes()).isEqualTo(8_192);

    pool.release(ByteBuffer.allocate(4_096));
    pool.release(ByteBuffer.allocateDirect(5_000));
    assertThat(pool.idleBytes()).isEqualTo(8_192);
    // ByteBuffer.equals compares contents: the pool's buffers are told apart by identity.
    Set<ByteBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    kept.add(a);
    kept.add(b);
    assertThat(kept.remove(pool.allocate(4_096))).isTrue();
    assertThat(kept.remove(pool.allocate(4_096))).isTrue();
    ByteBuffer fresh = pool.allocate(4_096);
    assertThat(fresh).isNotSameAs(a).isNotSameAs(b).isNotSameAs(c);
  }
}
