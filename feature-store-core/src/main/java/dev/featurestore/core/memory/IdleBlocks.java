package dev.featurestore.core.memory;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Freed blocks of memory (buffers, addresses) kept for the next request of their size, up to a
 * total. Sizes are rounded up to one of four steps per power of two, so that blocks serve requests
 * of nearby sizes at the cost of at most a quarter of a block. Safe for concurrent use.
 *
 * @param <B> what a block is to its owner
 */
public final class IdleBlocks<B> {
  private final long smallest;
  private final long maxIdleBytes;
  private final AtomicLong idleBytes = new AtomicLong();
  private final Map<Long, Queue<B>> idleByCapacity = new ConcurrentHashMap<>();

  /**
   * @param smallest the capacity of the smallest blocks; smaller requests are rounded up to it
   * @param maxIdleBytes the most the idle blocks may hold together
   */
  public IdleBlocks(long smallest, long maxIdleBytes) {
    this.smallest = smallest;
    this.maxIdleBytes = maxIdleBytes;
  }

  /**
   * The capacity of the blocks that serve {@code size} bytes: the smallest of 4, 5, 6 or 7 times a
   * power of two that holds it, or the smallest capacity.
   */
  public long capacityFor(long size) {
    if (size <= smallest) {
      return smallest;
    }
    long step = Long.highestOneBit(size - 1) >>> 2;
    return Math.addExact(size, step - 1) / step * step;
  }

  /** An idle block of {@code capacity}, now the caller's, or null when none waits. */
  public B take(long capacity) {
    B block = idle(capacity).poll();
    if (block != null) {
      idleBytes.addAndGet(-capacity);
    }
    return block;
  }

  /**
   * Keeps a freed block of {@code capacity} for reuse, unless the idle blocks would then hold more
   * than their limit: false then, and the caller frees it.
   */
  public boolean keep(long capacity, B block) {
    if (idleBytes.addAndGet(capacity) > maxIdleBytes) {
      idleBytes.addAndGet(-capacity);
      return false;
    }
    idle(capacity).offer(block);
    return true;
  }

  /** The bytes the idle blocks hold. */
  public long idleBytes() {
    return idleBytes.get();
  }

  private Queue<B> idle(long capacity) {
    return idleByCapacity.computeIfAbsent(capacity, key -> new ConcurrentLinkedQueue<>());
  }
}
