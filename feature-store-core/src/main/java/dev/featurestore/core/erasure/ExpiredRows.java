package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.EpochMicros;
import java.time.Instant;

/** The rows whose event time is before {@code removedBefore}: past a group's maximum age. */
public record ExpiredRows(Instant removedBefore) implements RemovedRows {
  public ExpiredRows {
    requireNonNull(removedBefore, "removedBefore is null");
  }

  @Override
  public boolean mayBeIn(DataFile file) {
    return file.rowCount() > 0
        && (file.eventTimeMin() == null || file.eventTimeMin().isBefore(removedBefore));
  }

  /** Whether a row with this event time (UTC microseconds) is removed. */
  public boolean removes(long eventTimeMicros) {
    return eventTimeMicros < EpochMicros.of(removedBefore);
  }
}
