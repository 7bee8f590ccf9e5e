package dev.featurestore.core.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A page of audit entries, newest first.
 *
 * @param nextBefore pass as {@code before} to read the next (older) page; empty on the last page
 */
public record AuditPage(List<AuditEntry> entries, Optional<Long> nextBefore) {
  public AuditPage {
    entries = List.copyOf(entries);
    requireNonNull(nextBefore, "nextBefore is null");
  }
}
