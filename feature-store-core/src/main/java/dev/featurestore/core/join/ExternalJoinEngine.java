package dev.featurestore.core.join;

import dev.featurestore.core.read.FeatureGroupVersion;
import java.io.IOException;
import java.util.List;

/**
 * The point-in-time join run by an engine outside this process (Spark), which reads each group's
 * files of the bound version itself instead of our {@link StoredRowSource}s. Same contract as
 * {@link PointInTimeJoinEngine#join(PointInTimeJoinRequest, JoinOutputSink, WinningRowsListener)}:
 * one output row per spine row in spine order, the output schema of {@link
 * PointInTimeJoinEngine#outputSchema}, and the winners of every group told to the listener; a
 * request with a consent requirement is not taken.
 */
public interface ExternalJoinEngine {
  /**
   * @param versions the version each of {@code request.groups()} is read as of, in the same order
   */
  JoinStatistics join(
      PointInTimeJoinRequest request,
      List<FeatureGroupVersion> versions,
      JoinOutputSink sink,
      WinningRowsListener listener)
      throws IOException;
}
