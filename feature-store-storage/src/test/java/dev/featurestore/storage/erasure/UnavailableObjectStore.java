package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A real object store whose reads of one object fail as an S3 outage does (503 Slow Down): the
 * fault no local store can be made to show on demand.
 */
final class UnavailableObjectStore implements ObjectStore {
  private final ObjectStore store;
  private final String unreachableKey;

  UnavailableObjectStore(ObjectStore store, String unreachableKey) {
    this.store = requireNonNull(store, "store is null");
    this.unreachableKey = requireNonNull(unreachableKey, "unreachableKey is null");
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
    refuse(key);
    return store.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    refuse(key);
    return store.getRange(key, offset, length);
  }

  @Override
  public long size(String key) throws IOException {
    refuse(key);
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
  public void checkAvailable() throws IOException {
    store.checkAvailable();
  }

  @Override
  public String location() {
    return store.location();
  }

  private void refuse(String key) throws IOException {
    if (key.equals(unreachableKey)) {
      throw new IOException("503 Slow Down: the object store cannot serve " + key + " now");
    }
  }
}
