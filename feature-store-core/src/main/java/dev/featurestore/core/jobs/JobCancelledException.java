package dev.featurestore.core.jobs;

/** Work stopped because its job was cancelled; whatever it had made is discarded. */
public class JobCancelledException extends RuntimeException {
  public JobCancelledException(String message) {
    super(message);
  }
}
