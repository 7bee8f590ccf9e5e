package dev.featurestore.core.join;

/** Learns, once per requested group, which stored rows won: the hook lineage records keys with. */
@FunctionalInterface
public interface WinningRowsListener {
  WinningRowsListener IGNORE = (groupIndex, request, winners) -> {};

  /**
   * Called after the group's winners are known and before output is written; may be called from
   * several threads at once, for different groups.
   */
  void onWinners(int groupIndex, FeatureGroupRequest request, WinningRows winners);
}
