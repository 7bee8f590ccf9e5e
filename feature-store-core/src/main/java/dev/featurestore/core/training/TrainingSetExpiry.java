package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The retention of training-set outputs: a READY set whose request asked for a {@code retention}
 * becomes EXPIRED once it ran out (from then on it is not downloadable, not an Iceberg table and
 * not rewritten by erasures), then its output object is deleted and the deletion is recorded (the
 * set's {@code outputDeletedAt}, and an EXPIRE entry in the audit log: the receipt). Each step is
 * conditional or idempotent, so an expiry cut short between them is finished by the next pass of
 * any replica, and two replicas never record one twice.
 */
public final class TrainingSetExpiry {
  /** The principal the audit log names for the server's own expiries. */
  public static final String PRINCIPAL = "retention";

  private final TrainingSetCatalog trainingSets;
  private final ObjectStore objects;
  private final AuditLog auditLog;

  public TrainingSetExpiry(
      TrainingSetCatalog trainingSets, ObjectStore objects, AuditLog auditLog) {
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.auditLog = requireNonNull(auditLog, "auditLog is null");
  }

  /**
   * Expires every training set whose retention ran out at {@code now} and finishes expiries cut
   * short; returns the sets whose output deletion this call recorded.
   */
  public List<UUID> expireDue(Instant now) throws IOException {
    List<UUID> expired = new ArrayList<>();
    for (TrainingSet due : trainingSets.expiring(now)) {
      if (due.status() == TrainingSetStatus.READY && !trainingSets.markExpired(due.id(), now)) {
        continue;
      }
      // Read again: an erasure may have replaced the output before the set became EXPIRED.
      TrainingSet set = trainingSets.find(due.id()).orElseThrow();
      Optional<String> output = set.outputObjectKey();
      if (output.isEmpty()) {
        continue;
      }
      objects.delete(output.get());
      if (trainingSets.markOutputDeleted(set.id(), output.get(), now)) {
        auditLog.record(
            AuditEvent.of(
                    PRINCIPAL,
                    Optional.empty(),
                    AuditAction.EXPIRE,
                    AuditTargetType.TRAINING_SET,
                    set.id().toString())
                .withDetail("name", set.name())
                .withDetail("retention", set.retention().retention().toString())
                .withDetail("objectKey", output.get())
                .withDetail("outputHash", set.outputHash().orElse(""))
                .withDetail("rows", set.rows()));
        expired.add(set.id());
      }
    }
    return expired;
  }
}
