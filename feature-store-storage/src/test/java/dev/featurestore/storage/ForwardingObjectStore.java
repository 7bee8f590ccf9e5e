package dev.featurestore.storage;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A real object store passed every call through, for tests that break one call (a fault no real
 * store here can be told to make) by overriding only that one.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  private final ObjectStore store;

  protected ForwardingObjectStore(ObjectStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  @Override
  public void put(String key, Path file) throws IOException {
    store.put(key, file);
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    store.put(key, bytes);
  }

  @Override
  public InputStream get(String key) throws IOException {
    return store.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    return store.getRange(key, offset, length);
  }

  @Override
  public long size(String key) throws IOException {
    return store.size(key);
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    return store.list(prefix);
  }

  @Override
  public void delete(String key) throws IOException {
    store.delete(key);
  }

  @Override
  public int deleteAbandonedPuts(Instant startedBefore) throws IOException {
    return store.deleteAbandonedPuts(startedBefore);
  }

  @Override
  public void checkAvailable() throws IOException {
    store.checkAvailable();
  }

  @Override
  public String location() {
    return store.location();
  }
}
