package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.ForwardingObjectStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * A real object store whose reads of one object fail as an S3 outage does (503 Slow Down): the
 * fault no local store can be made to show on demand.
 */
final class UnavailableObjectStore extends ForwardingObjectStore {
  private final String unreachableKey;

  UnavailableObjectStore(ObjectStore store, String unreachableKey) {
    super(store);
    this.unreachableKey = requireNonNull(unreachableKey, "unreachableKey is null");
  }

  @Override
  public InputStream get(String key) throws IOException {
    refuse(key);
    return super.get(key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    refuse(key);
    return super.getRange(key, offset, length);
  }

  @Override
  public long size(String key) throws IOException {
    refuse(key);
    return super.size(key);
  }

  private void refuse(String key) throws IOException {
    if (key.equals(unreachableKey)) {
      throw new IOException("503 Slow Down: the object store cannot serve " + key + " now");
    }
  }
}
