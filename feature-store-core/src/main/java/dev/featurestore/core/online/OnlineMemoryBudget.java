package dev.featurestore.core.online;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all online indexes of a server may hold together. Indexes reserve before they
 * allocate, so a group that does not fit fails with {@link OnlineMemoryBudgetExceededException}
 * instead of taking the process down with an OutOfMemoryError.
 */
public final class OnlineMemoryBudget {
  private final long limitBytes;
  private final AtomicLong usedBytes = new AtomicLong();

  public OnlineMemoryBudget(long limitBytes) {
    if (limitBytes < 0) {
      throw new IllegalArgumentException("limitBytes must not be negative");
    }
    this.limitBytes = limitBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }

  public long usedBytes() {
    return usedBytes.get();
  }

  void reserve(String groupName, long bytes) {
    while (true) {
      long used = usedBytes.get();
      if (used + bytes > limitBytes) {
        throw new OnlineMemoryBudgetExceededException(groupName, bytes, used, limitBytes);
      }
      if (usedBytes.compareAndSet(used, used + bytes)) {
        return;
      }
    }
  }

  void release(long bytes) {
    usedBytes.addAndGet(-bytes);
  }
}
