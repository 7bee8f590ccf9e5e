package dev.featurestore.core.memory;

import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.unsafe.UnsafeAllocationManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Native memory for Arrow buffers that keeps freed blocks of {@link #SMALLEST_RECYCLED} and more
 * for the next buffers of their size, up to {@link #MAX_IDLE_BYTES} in all.
 *
 * <p>Why: on our virtual machines the first touch of fresh memory costs more than most work done on
 * it. A join allocates and frees hundreds of MiB of batches and columns; malloc hands large blocks
 * back to the system when they are freed, so each new batch faulted its pages in again. In a warm
 * server, S took 1.9-2.3 s with Arrow's allocation manager and 1.4-1.6 s with glibc told to keep
 * freed memory; this keeps it without depending on the C library's settings.
 */
public final class RecyclingAllocationManager extends AllocationManager {
  /** Smaller blocks come and go through malloc, which recycles them well itself. */
  public static final long SMALLEST_RECYCLED = 64 * 1024;

  /** At most this much freed memory waits for reuse; blocks freed beyond it go back to malloc. */
  public static final long MAX_IDLE_BYTES = 256L << 20;

  public static final AllocationManager.Factory FACTORY =
      new AllocationManager.Factory() {
        @Override
        public AllocationManager create(BufferAllocator accountingAllocator, long size) {
          return new RecyclingAllocationManager(accountingAllocator, size);
        }

        @Override
        public ArrowBuf empty() {
          return UnsafeAllocationManager.FACTORY.empty();
        }
      };

  private static final IdleBlocks<Long> IDLE = new IdleBlocks<>(SMALLEST_RECYCLED, MAX_IDLE_BYTES);

  private final long size;
  private final long capacity;
  private final long address;

  private RecyclingAllocationManager(BufferAllocator accountingAllocator, long size) {
    super(accountingAllocator);
    this.size = size;
    this.capacity = size < SMALLEST_RECYCLED ? size : IDLE.capacityFor(size);
    Long idle = size < SMALLEST_RECYCLED ? null : IDLE.take(capacity);
    this.address = idle == null ? MemoryUtil.allocateMemory(capacity) : idle;
  }

  /** A root allocator whose buffers come from here. */
  public static RootAllocator newRootAllocator() {
    return new RootAllocator(
        RootAllocator.configBuilder().allocationManagerFactory(FACTORY).build());
  }

  /** Freed memory waiting for reuse. */
  public static long idleBytes() {
    return IDLE.idleBytes();
  }

  /** The size accounted to the allocators; the block may be up to a quarter larger. */
  @Override
  public long getSize() {
    return size;
  }

  @Override
  protected long memoryAddress() {
    return address;
  }

  @Override
  protected void release0() {
    if (capacity < SMALLEST_RECYCLED || !IDLE.keep(capacity, address)) {
      MemoryUtil.freeMemory(address);
    }
  }
}
