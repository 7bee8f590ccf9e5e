package dev.featurestore.core.erasure;

import dev.featurestore.core.catalog.DataFile;

/**
 * Which stored rows a rewrite of feature files leaves out: those of erased keys ({@link
 * ErasedKeys}), or those older than a group's maximum age ({@link ExpiredRows}). Either way the
 * files are rewritten in place by {@link FeatureFileErasure}, so every version reads what it read
 * before minus those rows.
 */
public sealed interface RemovedRows permits ErasedKeys, ExpiredRows {
  /** Whether the file may hold such rows, by its catalog stats; an emptied file holds none. */
  boolean mayBeIn(DataFile file);
}
