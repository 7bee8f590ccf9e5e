package dev.featurestore.storage.read;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.objectstore.LocalObjectCache;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Local copies of objects for readers that need random access (Parquet). Objects are immutable, so
 * a copy named after the content hash never goes stale; erasure writes new objects with new hashes
 * and {@link #sweep} deletes copies whose content nothing references any more, on every replica.
 */
public final class ObjectCache implements LocalObjectCache {
  private static final String SUFFIX = ".parquet";

  private final ObjectStore objects;
  private final Path folder;

  public ObjectCache(ObjectStore objects, Path folder) throws IOException {
    this.objects = requireNonNull(objects, "objects is null");
    this.folder = Files.createDirectories(folder);
  }

  /** The local copy of the object, downloading it first if needed. */
  public Path localCopy(String objectKey, String contentHash) throws IOException {
    Path copy = folder.resolve(contentHash + SUFFIX);
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
  @Override
  public void evict(String contentHash) throws IOException {
    Files.deleteIfExists(folder.resolve(contentHash + SUFFIX));
  }

  /**
   * {@inheritDoc} Copies made after the sweep started are kept, since their readers found them in
   * the catalog after the sweep asked it.
   */
  @Override
  public int sweep(Catalog catalog) throws IOException {
    FileTime started = FileTime.from(Instant.now());
    Map<String, Path> copies = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        copies.put(name.substring(0, name.length() - SUFFIX.length()), file);
      }
    }
    if (copies.isEmpty()) {
      return 0;
    }
    Set<String> referenced = catalog.referencedContents(copies.keySet());
    int deleted = 0;
    for (Map.Entry<String, Path> copy : copies.entrySet()) {
      if (!referenced.contains(copy.getKey()) && madeBefore(copy.getValue(), started)) {
        deleted += Files.deleteIfExists(copy.getValue()) ? 1 : 0;
      }
    }
    return deleted;
  }

  private static boolean madeBefore(Path copy, FileTime time) throws IOException {
    try {
      return Files.getLastModifiedTime(copy).compareTo(time) < 0;
    } catch (NoSuchFileException e) {
      return false;
    }
  }
}
