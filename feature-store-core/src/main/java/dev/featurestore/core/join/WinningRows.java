package dev.featurestore.core.join;

/**
 * Which stored row of one group won for each spine row, for lineage: the key is the spine row's,
 * the row is identified by its commit and its ordinal in that commit's upload. Valid during the
 * listener call only.
 */
public interface WinningRows {
  int spineRowCount();

  boolean hasWinner(int spineRow);

  /** The winner's commit sequence, or -1 when no row was a candidate. */
  long commitSequence(int spineRow);

  /** The winner's ordinal in its commit's upload, or -1 when no row was a candidate. */
  long rowOrdinal(int spineRow);

  /** The winner's event time; only meaningful when {@link #hasWinner}. */
  long eventTimeMicros(int spineRow);
}
