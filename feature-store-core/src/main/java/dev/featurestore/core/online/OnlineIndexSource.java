package dev.featurestore.core.online;

import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;

/** Where a {@link LatestValueIndex} gets its group's rows (adapter: the group's stored files). */
public interface OnlineIndexSource {
  /** What one catch-up did: the commit the index now reflects and the stored rows it read. */
  record CatchUp(long sequence, long rowsRead) {}

  /**
   * Brings the index up to {@code group}'s latest commit (the group as the catalog describes it
   * now), applying only the rows added since its applied commit; reads nothing when it is current.
   */
  CatchUp catchUp(LatestValueIndex index, FeatureGroup group) throws IOException;

  /**
   * Applies every row of the group's latest commit to the index again, in place, and removes the
   * keys none of them holds any more ({@link LatestValueIndex#reload}).
   */
  CatchUp reload(LatestValueIndex index, FeatureGroup group) throws IOException;
}
