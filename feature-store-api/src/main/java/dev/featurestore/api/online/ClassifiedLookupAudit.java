package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ReadScope;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The audit of online reads of PII and SENSITIVE values: an entry per lookup would cost a catalog
 * write per request, so lookups are counted in memory per caller and group, and the counts are
 * written to the audit log once a minute (one READ entry per caller and group that read any, with
 * the lookups, the keys looked up and the window) and when the server stops. Counting is two atomic
 * additions on the event loop.
 */
public final class ClassifiedLookupAudit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClassifiedLookupAudit.class);

  /** How often counts are written; also the most a crash of the server can lose. */
  static final long FLUSH_INTERVAL_MILLIS = 60_000;

  private final AuditLog auditLog;
  private final Clock clock;
  private final Map<Reader, Counts> counts = new ConcurrentHashMap<>();
  private Instant windowStart;

  public ClassifiedLookupAudit(AuditLog auditLog, Clock clock) {
    this.auditLog = requireNonNull(auditLog, "auditLog is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.windowStart = clock.instant();
  }

  /** Who read which group's classified values; the name is the key's at the time of reading. */
  private record Reader(UUID apiKeyId, String principal, String featureGroup, String entity) {}

  private static final class Counts {
    final AtomicLong lookups = new AtomicLong();
    final AtomicLong keys = new AtomicLong();
  }

  /** Counts one lookup of {@code keys} keys that returned classified values of {@code group}. */
  void lookedUp(ApiKey reader, String featureGroup, String entity, int keys) {
    Counts group =
        counts.computeIfAbsent(
            new Reader(reader.id(), reader.name(), featureGroup, entity), r -> new Counts());
    group.lookups.incrementAndGet();
    group.keys.addAndGet(keys);
  }

  /**
   * Writes the counts since the last flush as audit entries and starts a new window. Synchronized:
   * the schedule and a stopping server may flush at once.
   */
  @Scheduled(initialDelay = FLUSH_INTERVAL_MILLIS, fixedRate = FLUSH_INTERVAL_MILLIS)
  public synchronized void flush() {
    Instant since = windowStart;
    Instant until = clock.instant();
    windowStart = until;
    counts.forEach(
        (reader, group) -> {
          long lookups = group.lookups.getAndSet(0);
          long keys = group.keys.getAndSet(0);
          if (lookups == 0) {
            return;
          }
          try {
            auditLog.record(
                AuditEvent.of(
                        reader.principal(),
                        Optional.of(reader.apiKeyId()),
                        AuditAction.READ,
                        AuditTargetType.FEATURE_GROUP,
                        reader.featureGroup())
                    .withEntity(reader.entity())
                    .withDetail("scope", ReadScope.ONLINE.name())
                    .withDetail("lookups", lookups)
                    .withDetail("keys", keys)
                    .withDetail("since", since.toString())
                    .withDetail("until", until.toString()));
          } catch (RuntimeException e) {
            // Counted again into the next window, which then spans this one too.
            group.lookups.addAndGet(lookups);
            group.keys.addAndGet(keys);
            log.warn(
                "Cannot write the online read counts of '{}'; the next flush retries",
                reader.featureGroup(),
                e);
          }
        });
  }

  /** The server stops: what was counted since the last flush is written now. */
  @Override
  public void close() {
    flush();
  }
}
