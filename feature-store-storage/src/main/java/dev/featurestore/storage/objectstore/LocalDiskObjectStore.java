package dev.featurestore.storage.objectstore;

import static dev.featurestore.storage.objectstore.ObjectKeys.requireValidKey;
import static dev.featurestore.storage.objectstore.ObjectKeys.requireValidPrefix;
import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Objects as files below a root folder, the key being the file's path relative to the root. For a
 * single server without S3.
 *
 * <p>A put writes a temporary file in the target folder and renames it into place atomically, so a
 * reader sees the whole object or none; temporary files start with '.', which no key segment may. A
 * key cannot be both an object and the folder of other objects here ({@code a} and {@code a/b}),
 * which S3 allows; the server's generated keys never need that.
 */
public final class LocalDiskObjectStore implements ObjectStore {
  private static final String TEMPORARY_PREFIX = ".";
  private static final String TEMPORARY_SUFFIX = ".tmp";

  /** Objects hold feature rows: other users of the machine may not read them. */
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path root;

  public LocalDiskObjectStore(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
  }

  @Override
  public void put(String key, Path file) throws IOException {
    requireNonNull(file, "file is null");
    putThroughTemporary(
        key,
        temporary -> {
          Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
          // The copy replaced the owner-only file with one of default permissions.
          restrictToOwner(temporary, OWNER_ONLY_FILE);
          forceToDisk(temporary);
        });
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    requireNonNull(bytes, "bytes is null");
    putThroughTemporary(
        key,
        temporary -> {
          try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
              channel.write(buffer);
            }
            channel.force(true);
          }
        });
  }

  /** Writes the object's bytes to the temporary file, forced to disk. */
  private interface TemporaryWrite {
    void to(Path temporary) throws IOException;
  }

  /** Writes a temporary file beside the object, then renames it into place atomically. */
  private void putThroughTemporary(String key, TemporaryWrite write)
      throws ObjectStoreUnavailableException {
    Path target = path(key);
    onDisk(
        "put",
        key,
        () -> {
          Path temporary = createTemporaryBeside(target);
          try {
            write.to(temporary);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(temporary);
          }
          return null;
        });
  }

  @Override
  public InputStream get(String key) throws IOException {
    Path path = existingObject(key);
    return reading("get", key, () -> Files.newInputStream(path));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must not be negative: offset " + offset + ", length " + length);
    }
    Path path = existingObject(key);
    return reading(
        "get range of",
        key,
        () -> {
          try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long available = Math.max(0, channel.size() - offset);
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, available));
            while (buffer.hasRemaining()) {
              int read = channel.read(buffer, offset + buffer.position());
              if (read < 0) {
                break;
              }
            }
            return buffer.position() == buffer.capacity()
                ? buffer.array()
                : Arrays.copyOf(buffer.array(), buffer.position());
          }
        });
  }

  @Override
  public long size(String key) throws IOException {
    Path path = path(key);
    BasicFileAttributes attributes =
        reading("get size of", key, () -> Files.readAttributes(path, BasicFileAttributes.class));
    if (!attributes.isRegularFile()) {
      throw notFound(key);
    }
    return attributes.size();
  }

  @Override
  public List<StoredObject> list(String prefix) throws IOException {
    requireValidPrefix(prefix);
    // Walk only the deepest folder the prefix names in full, then filter on the rest.
    int lastSlash = prefix.lastIndexOf('/');
    Path start = lastSlash < 0 ? root : root.resolve(prefix.substring(0, lastSlash));
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    List<StoredObject> objects = new ArrayList<>();
    onDisk("list", prefix + "*", () -> walk(start, prefix, objects));
    objects.sort(Comparator.comparing(StoredObject::key));
    return List.copyOf(objects);
  }

  private Void walk(Path start, String prefix, List<StoredObject> objects) throws IOException {
    visitFiles(
        start,
        (file, attributes) -> {
          String key = key(file);
          if (!isTemporaryOrHidden(file) && key.startsWith(prefix)) {
            objects.add(
                new StoredObject(
                    key, attributes.size(), attributes.lastModifiedTime().toInstant()));
          }
        });
    return null;
  }

  @Override
  public void delete(String key) throws IOException {
    Path path = path(key);
    onDisk("delete", key, () -> Files.deleteIfExists(path));
  }

  /** The temporary files of puts cut off before their rename, found by their name. */
  @Override
  public int deleteAbandonedPuts(Instant startedBefore) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    List<Path> abandoned = new ArrayList<>();
    visitFiles(
        root,
        (file, attributes) -> {
          if (isTemporaryFileOfAPut(file)
              && attributes.lastModifiedTime().toInstant().isBefore(startedBefore)) {
            abandoned.add(file);
          }
        });
    for (Path file : abandoned) {
      Files.deleteIfExists(file);
    }
    return abandoned.size();
  }

  @Override
  public void checkAvailable() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new ObjectStoreUnavailableException(
          "object store folder " + root + " does not exist or is not a folder");
    }
    if (!Files.isWritable(root)) {
      throw new ObjectStoreUnavailableException(
          "object store folder " + root + " is not writable by this process");
    }
  }

  @Override
  public String location() {
    return root.toString();
  }

  @Override
  public String toString() {
    return "LocalDiskObjectStore[" + root + "]";
  }

  private Path path(String key) {
    requireValidKey(key);
    // Key rules already keep the path below the root; this guards against a rule being loosened.
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IllegalArgumentException("object key escapes the store folder: " + key);
    }
    return path;
  }

  private Path existingObject(String key) {
    Path path = path(key);
    if (!Files.isRegularFile(path)) {
      throw notFound(key);
    }
    return path;
  }

  private static Path createTemporaryBeside(Path target) throws IOException {
    Path folder = Files.createDirectories(target.getParent(), ownerOnly(OWNER_ONLY_FOLDER));
    return Files.createFile(
        folder.resolve(
            TEMPORARY_PREFIX + target.getFileName() + "." + UUID.randomUUID() + TEMPORARY_SUFFIX),
        ownerOnly(OWNER_ONLY_FILE));
  }

  /** The permissions to create with, where the file system has POSIX permissions. */
  private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
    return POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
  }

  private static void restrictToOwner(Path path, Set<PosixFilePermission> permissions)
      throws IOException {
    if (POSIX) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }

  /**
   * Calls {@code onFile} for each regular file below {@code start}, outside folders no key can name
   * (hidden ones); a file deleted while the walk goes on is skipped.
   */
  private static void visitFiles(Path start, BiConsumer<Path, BasicFileAttributes> onFile)
      throws IOException {
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) {
            return isTemporaryOrHidden(folder) && !folder.equals(start)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isRegularFile()) {
              onFile.accept(file, attributes);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            // Deleted while we walked: it is simply not visited.
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
  }

  private static boolean isTemporaryFileOfAPut(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(TEMPORARY_PREFIX) && name.endsWith(TEMPORARY_SUFFIX);
  }

  private static void forceToDisk(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  private String key(Path file) {
    return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private static boolean isTemporaryOrHidden(Path path) {
    return path.getFileName().toString().startsWith(".");
  }

  /** A file-system call of the store; {@link #onDisk} classifies its failures. */
  private interface DiskCall<T> {
    T run() throws IOException;
  }

  /** Runs a read of the object {@code key}: a file that vanished is a missing object. */
  private <T> T reading(String action, String key, DiskCall<T> call)
      throws ObjectStoreUnavailableException {
    return onDisk(
        action,
        key,
        () -> {
          try {
            return call.run();
          } catch (NoSuchFileException e) {
            throw notFound(key);
          }
        });
  }

  /** Runs {@code call}; a failure of the disk is the store's. */
  private <T> T onDisk(String action, String key, DiskCall<T> call)
      throws ObjectStoreUnavailableException {
    try {
      return call.run();
    } catch (IOException e) {
      throw new ObjectStoreUnavailableException(
          "could not " + action + " " + key + " in " + root + ": " + e.getMessage(), e);
    }
  }

  private NotFoundException notFound(String key) {
    return new NotFoundException("no object " + key + " in " + root);
  }
}
