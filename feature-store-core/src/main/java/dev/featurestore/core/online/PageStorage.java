package dev.featurestore.core.online;

/** Storage that grows by a page of {@link Pages#SIZE} slots at a time, reserving it first. */
interface PageStorage {
  /** Adds slots {@code page * Pages.SIZE} on, all null. */
  void addPage(int page);
}
