package dev.featurestore.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class RecyclingAllocationManagerTest {

  @Test
  void aFreedLargeBlockServesTheNextBufferOfItsSizeThroughAnyChildAllocator() {
    try (RootAllocator root = RecyclingAllocationManager.newRootAllocator()) {
      long address;
      long idleBefore = RecyclingAllocationManager.idleBytes();
      try (BufferAllocator first = root.newChildAllocator("first", 0, Long.MAX_VALUE);
          ArrowBuf buffer = first.buffer(3 << 20)) {
        buffer.setLong(0, 42);
        address = buffer.memoryAddress();
        assertThat(first.getAllocatedMemory()).isEqualTo(4 << 20); // Arrow's own rounding
      }
      assertThat(RecyclingAllocationManager.idleBytes()).isEqualTo(idleBefore + (4 << 20));
      assertThat(root.getAllocatedMemory()).isZero();

      try (BufferAllocator second = root.newChildAllocator("second", 0, Long.MAX_VALUE);
          ArrowBuf buffer = second.buffer(4 << 20)) {
        assertThat(buffer.memoryAddress()).isEqualTo(address);
        assertThat(RecyclingAllocationManager.idleBytes()).isEqualTo(idleBefore);
        buffer.setLong((4 << 20) - 8, 7); // the whole block is there
      }
    }
  }

  @Test
  void smallBuffersAreNotKept() {
    try (RootAllocator root = RecyclingAllocationManager.newRootAllocator()) {
      long idleBefore = RecyclingAllocationManager.idleBytes();
      try (ArrowBuf buffer = root.buffer(1024)) {
        buffer.setInt(0, 1);
      }
      assertThat(RecyclingAllocationManager.idleBytes()).isEqualTo(idleBefore);
    }
  }
}
