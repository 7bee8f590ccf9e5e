package dev.featurestore.api.training;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.api.jobs.LeasedWork;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * Training sets whose replica stopped while building them: once their lease expired they are FAILED
 * with a reason (the caller asks again), and their job, which has the training set's id, ends as
 * the training set did. The job follows the training set, never the reverse, so that the two cannot
 * disagree: a replica that lost the job may still have completed the training set.
 */
@Component
class TrainingSetLeases extends JobRunner.TakeOver implements LeasedWork {
  static final String KIND = "TRAINING_SET";

  private static final String STOPPED =
      "the server building the training set stopped (its lease expired); request it again";

  private final TrainingSetCatalog trainingSets;
  private final Duration heartbeatInterval;

  TrainingSetLeases(TrainingSetCatalog trainingSets, FeatureStoreProperties properties) {
    super(KIND, false);
    this.trainingSets = trainingSets;
    this.heartbeatInterval = properties.jobs().heartbeatInterval();
  }

  @Override
  public void renewLeases() {
    trainingSets.renewLeases();
  }

  @Override
  public void takeOverExpired() {
    trainingSets.failExpired(STOPPED);
  }

  /**
   * Ends the job as its training set ended; while the training set is still held by a live replica
   * (its lease had not expired with the job's), waits for that replica or for the lease.
   */
  @Override
  public JobRunner.Work takeOver(Job job) {
    return monitor -> {
      while (true) {
        TrainingSet trainingSet =
            trainingSets
                .find(job.id())
                .orElseThrow(
                    () -> new NotFoundException("training set " + job.id() + " not found"));
        switch (trainingSet.status()) {
          case READY -> {
            return;
          }
          case FAILED ->
              throw new IllegalStateException(trainingSet.error().orElse("the build failed"));
          case PENDING, RUNNING -> {
            Thread.sleep(heartbeatInterval);
            trainingSets.failExpired(STOPPED);
          }
        }
      }
    };
  }
}
