package dev.featurestore.core.online;

/** What one index reserved from the shared budget; changed under the index's write lock only. */
final class MemoryAccount {
  private final OnlineMemoryBudget budget;
  private final String groupName;
  private long reservedBytes;

  MemoryAccount(OnlineMemoryBudget budget, String groupName) {
    this.budget = budget;
    this.groupName = groupName;
  }

  void reserve(long bytes) {
    budget.reserve(groupName, bytes);
    reservedBytes += bytes;
  }

  void release(long bytes) {
    budget.release(bytes);
    reservedBytes -= bytes;
  }

  /** What the shared budget has left, for all indexes. */
  long availableBytes() {
    return budget.limitBytes() - budget.usedBytes();
  }

  long reservedBytes() {
    return reservedBytes;
  }

  void releaseAll() {
    release(reservedBytes);
  }
}
