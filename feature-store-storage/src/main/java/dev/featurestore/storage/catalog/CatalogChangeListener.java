package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears, through Postgres LISTEN, that some server changed the catalog, and runs the callback of
 * the channel that was notified. Triggers notify the channels: {@link #FEATURE_GROUP_CHANGES} on
 * every change to {@code feature_groups} (a commit, a compaction, an erasure, a schema evolution,
 * the online flag; migration V8), {@link #READ_ACCESS_CHANGES} on every change of a grant or a
 * classification (V16). A signal says only that something changed; the callback re-reads what it
 * needs. Notifications within a wait are coalesced into one signal.
 *
 * <p>It holds one connection of the pool while running, listening on every channel it was given, so
 * that a pool of two connections still serves requests. When the connection is lost it connects and
 * listens again, then signals every channel once, since changes made meanwhile were not heard. A
 * pooler that does not pass LISTEN through (PgBouncer in transaction mode) never delivers a
 * notification; whoever relies on this should also poll.
 */
public final class CatalogChangeListener implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatalogChangeListener.class);

  public static final String FEATURE_GROUP_CHANGES = "feature_group_changes";
  public static final String READ_ACCESS_CHANGES = "read_access_changes";

  /** How long one wait for notifications lasts; close() is noticed within it. */
  private static final int WAIT_MILLIS = 250;

  private final DataSource dataSource;
  private final Map<String, Runnable> onChangeByChannel;
  private final Duration reconnectDelay;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param onChangeByChannel per channel (this class's constants), what runs on the listener's
   *     thread after each batch of that channel's notifications; it should hand work off rather
   *     than do it, so that the next notifications are read
   * @param reconnectDelay how long to wait before connecting again after a failure
   */
  public CatalogChangeListener(
      DataSource dataSource, Map<String, Runnable> onChangeByChannel, Duration reconnectDelay) {
    this.dataSource = requireNonNull(dataSource, "dataSource is null");
    if (onChangeByChannel.isEmpty()) {
      throw new IllegalArgumentException("no channel to listen on");
    }
    onChangeByChannel
        .keySet()
        .forEach(
            channel -> {
              if (!channel.equals(FEATURE_GROUP_CHANGES) && !channel.equals(READ_ACCESS_CHANGES)) {
                throw new IllegalArgumentException("unknown channel " + channel);
              }
            });
    this.onChangeByChannel = Map.copyOf(onChangeByChannel);
    this.reconnectDelay = requireNonNull(reconnectDelay, "reconnectDelay is null");
    this.thread =
        Thread.ofPlatform()
            .name("catalog-change-listener")
            .daemon()
            .unstarted(this::listenUntilClosed);
  }

  public void start() {
    thread.start();
  }

  @Override
  public void close() {
    closed = true;
    // Wakes the thread from a wait for a pooled connection (up to the pool's timeout when the
    // database is gone) or before reconnecting; a wait for notifications ends by itself.
    thread.interrupt();
    try {
      thread.join(Duration.ofMillis(2L * WAIT_MILLIS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the listening thread has ended (after {@link #close}). */
  boolean stopped() {
    return !thread.isAlive();
  }

  private void listenUntilClosed() {
    boolean failing = false;
    while (!closed) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          for (String channel : onChangeByChannel.keySet()) {
            statement.execute("LISTEN " + channel);
          }
        }
        if (failing) {
          log.info("Listening on {} again", onChangeByChannel.keySet());
          failing = false;
        }
        onChangeByChannel.keySet().forEach(this::signal);
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
          if (notifications != null) {
            Arrays.stream(notifications)
                .map(PGNotification::getName)
                .distinct()
                .forEach(this::signal);
          }
        }
      } catch (SQLException e) {
        if (!failing) {
          log.warn(
              "Cannot listen on {}; retrying every {}",
              onChangeByChannel.keySet(),
              reconnectDelay,
              e);
          failing = true;
        }
        pauseBeforeReconnecting();
      }
    }
  }

  private void signal(String channel) {
    try {
      onChangeByChannel.get(channel).run();
    } catch (RuntimeException e) {
      log.warn("A change signalled on {} could not be handled", channel, e);
    }
  }

  private void pauseBeforeReconnecting() {
    try {
      Thread.sleep(reconnectDelay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }
}
