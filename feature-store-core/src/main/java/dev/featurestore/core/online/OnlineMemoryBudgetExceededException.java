package dev.featurestore.core.online;

/**
 * An online index needed more memory than the budget has left. The group cannot be served online
 * until the budget is raised or other groups are no longer online.
 */
public class OnlineMemoryBudgetExceededException extends RuntimeException {
  public OnlineMemoryBudgetExceededException(
      String groupName, long requestedBytes, long usedBytes, long limitBytes) {
    super(
        "feature group '"
            + groupName
            + "' does not fit in the online memory budget: it needs "
            + requestedBytes
            + " more bytes but "
            + usedBytes
            + " of "
            + limitBytes
            + " are in use (raise feature-store.online.memory-budget)");
  }
}
