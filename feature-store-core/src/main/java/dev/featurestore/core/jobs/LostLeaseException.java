package dev.featurestore.core.jobs;

/**
 * The work is no longer this replica's to finish: another replica took it over or failed it after
 * its lease expired, or it already ended. Nothing it would record is recorded.
 */
public class LostLeaseException extends RuntimeException {
  public LostLeaseException(String message) {
    super(message);
  }
}
