package dev.featurestore.storage.read;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * Local copies of objects for readers that need random access (Parquet). Objects are immutable, so
 * a copy named after the content hash never goes stale; erasure writes new objects with new hashes.
 */
public final class ObjectCache {
  private final ObjectStore objects;
  private final Path folder;

  public ObjectCache(ObjectStore objects, Path folder) throws IOException {
    this.objects = requireNonNull(objects, "objects is null");
    this.folder = Files.createDirectories(folder);
  }

  /** The local copy of the object, downloading it first if needed. */
  public Path localCopy(String objectKey, String contentHash) throws IOException {
    Path copy = folder.resolve(contentHash + ".parquet");
    if (Files.exists(copy)) {
      return copy;
    }
    Path partial = folder.resolve("." + UUID.randomUUID() + ".partial");
    try (InputStream in = objects.get(objectKey)) {
      Files.copy(in, partial);
      Files.move(
          partial, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return copy;
  }

  /** Drops the copy, e.g. after an erasure removed the object. */
  public void evict(String contentHash) throws IOException {
    Files.deleteIfExists(folder.resolve(contentHash + ".parquet"));
  }
}
