package dev.featurestore.core.join;

import dev.featurestore.core.read.FeatureGroupVersion;
import java.io.IOException;
import java.util.List;

/**
 * The point-in-time join run by an engine outside this process (Spark), which reads each group's
 * files of the bound version itself instead of our {@link StoredRowSource}s. Same contract as
 * {@link PointInTimeJoinEngine#join(PointInTimeJoinRequest, JoinOutputSink, WinningRowsListener)}:
 * one output row per spine row in spine order, the output schema of {@link
 * PointInTimeJoinEngine#outputSchema}, and the winners of every group told to the listener; with a
 * consent requirement, the spine rows without consent are decided by the rule of {@link
 * SpineConsent} and left out or kept without features as its policy says.
 */
public interface ExternalJoinEngine {
  /**
   * @param versions the version each of {@code request.groups()} is read as of, in the same order
   * @param consentVersions the version each consent group of {@code request.consent()} is read as
   *     of, in the order of its records; empty without a consent requirement
   */
  JoinStatistics join(
      PointInTimeJoinRequest request,
      List<FeatureGroupVersion> versions,
      List<FeatureGroupVersion> consentVersions,
      JoinOutputSink sink,
      WinningRowsListener listener)
      throws IOException;
}
