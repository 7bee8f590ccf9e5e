package dev.featurestore.api.training;

import dev.featurestore.api.security.Caller;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.ReadScope;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may read a training set's values: a build, a download, or an engine loading its table through
 * {@code /iceberg}. Each read is decided afresh, as the classifications and grants are now (a
 * feature classified PII since the build needs a grant too), and a read of PII or SENSITIVE values
 * is audited, so that every way out of the server holds the same rule.
 */
@Component
public class TrainingSetReads {
  private final TrainingSetBuilder builder;
  private final ReadAccess readAccess;
  private final AuditLog auditLog;
  private final JsonMapper json;

  TrainingSetReads(
      TrainingSetBuilder builder, ReadAccess readAccess, AuditLog auditLog, JsonMapper json) {
    this.builder = builder;
    this.readAccess = readAccess;
    this.auditLog = auditLog;
    this.json = json;
  }

  /**
   * Refuses (403, {@code ReadNotGrantedException}) a read of the set's values when the caller holds
   * no OFFLINE grant for the class of a feature it holds; audits the read as {@code read} (e.g.
   * {@code "download"}) when it holds PII or SENSITIVE values.
   */
  public void requireReadable(Caller caller, TrainingSet trainingSet, String read) {
    List<FeatureReference> references =
        TrainingSetController.featureReferences(json.readTree(trainingSet.requestJson()));
    audit(caller, trainingSet.id(), read, requireReadable(caller, references));
  }

  /**
   * Refuses (403) a read of {@code references} whose class the caller holds no OFFLINE grant for;
   * returns the features read that need a grant, to audit.
   */
  List<ClassifiedFeature> requireReadable(Caller caller, List<FeatureReference> references) {
    return readAccess.requireReadableOffline(caller.key(), builder.featuresRead(references));
  }

  /** One READ entry per build or read of PII or SENSITIVE values, naming them. */
  void audit(Caller caller, UUID trainingSet, String read, List<ClassifiedFeature> classified) {
    if (classified.isEmpty()) {
      return;
    }
    auditLog.record(
        caller
            .did(AuditAction.READ, AuditTargetType.TRAINING_SET, trainingSet.toString())
            .withDetail("scope", ReadScope.OFFLINE.name())
            .withDetail("read", read)
            .withDetail(
                "features",
                classified.stream()
                    .map(ClassifiedFeature::toString)
                    .collect(Collectors.joining(", "))));
  }
}
