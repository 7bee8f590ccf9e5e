package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An object store in memory, for fast tests of the use cases: it keeps the contract of {@link
 * ObjectStore} (whole objects or nothing, missing keys raise {@link NotFoundException}, deletes of
 * missing keys succeed, listings in key order), stamps objects with its clock so that tests can age
 * them, and can be told to fail the next put or delete.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Entry(byte[] bytes, Instant lastModified) {}

  private final NavigableMap<String, Entry> objects = new ConcurrentSkipListMap<>();
  private final Clock clock;
  private IOException nextPutFailure;
  private IOException nextDeleteFailure;

  /** Objects stamped with the system clock. */
  public InMemoryObjectStore() {
    this(Clock.systemUTC());
  }

  /** Objects stamped with {@code clock}, so that a test can make them older than a grace period. */
  public InMemoryObjectStore(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The next put throws {@code failure} and stores nothing. */
  public synchronized void failNextPut(IOException failure) {
    this.nextPutFailure = requireNonNull(failure, "failure is null");
  }

  /** The next delete throws {@code failure} and deletes nothing. */
  public synchronized void failNextDelete(IOException failure) {
    this.nextDeleteFailure = requireNonNull(failure, "failure is null");
  }

  /** Every key stored now, in key order. */
  public List<String> keys() {
    return List.copyOf(objects.keySet());
  }

  @Override
  public void put(String key, Path file) throws IOException {
    put(key, Files.readAllBytes(file));
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    requireNonNull(key, "key is null");
    synchronized (this) {
      if (nextPutFailure != null) {
        IOException failure = nextPutFailure;
        nextPutFailure = null;
        throw failure;
      }
    }
    objects.put(key, new Entry(bytes.clone(), clock.instant()));
  }

  @Override
  public InputStream get(String key) {
    return new ByteArrayInputStream(entry(key).bytes());
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    byte[] bytes = entry(key).bytes();
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
    int from = (int) Math.min(offset, bytes.length);
    return Arrays.copyOfRange(bytes, from, (int) Math.min((long) from + length, bytes.length));
  }

  @Override
  public long size(String key) {
    return entry(key).bytes().length;
  }

  @Override
  public List<StoredObject> list(String prefix) {
    List<StoredObject> listed = new ArrayList<>();
    for (Map.Entry<String, Entry> object : objects.tailMap(prefix, true).entrySet()) {
      if (!object.getKey().startsWith(prefix)) {
        break;
      }
      listed.add(
          new StoredObject(
              object.getKey(), object.getValue().bytes().length, object.getValue().lastModified()));
    }
    return listed;
  }

  @Override
  public void delete(String key) throws IOException {
    synchronized (this) {
      if (nextDeleteFailure != null) {
        IOException failure = nextDeleteFailure;
        nextDeleteFailure = null;
        throw failure;
      }
    }
    objects.remove(key);
  }

  @Override
  public void checkAvailable() {}

  @Override
  public String location() {
    return "memory";
  }

  private Entry entry(String key) {
    Entry entry = objects.get(key);
    if (entry == null) {
      throw new NotFoundException("object '" + key + "' not found");
    }
    return entry;
  }
}
