package dev.featurestore.api.iceberg;

import dev.featurestore.storage.iceberg.ObjectStoreFileIO;
import dev.featurestore.storage.iceberg.ObjectUris;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import java.nio.file.Path;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * The FileIO an engine on this machine reads {@code file:} URIs with, for the REST client in tests
 * (Iceberg's own local-file IO is Hadoop's, whose file system the server's classpath leaves out).
 * Named by class in the client's {@code io-impl}, so it has no constructor arguments.
 */
public final class LocalFilesIO implements FileIO {
  private final FileIO files =
      new ObjectStoreFileIO(
          new LocalDiskObjectStore(Path.of("/")), ObjectUris.localDisk(Path.of("/")));

  @Override
  public InputFile newInputFile(String path) {
    return files.newInputFile(path);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return files.newOutputFile(path);
  }

  @Override
  public void deleteFile(String path) {
    files.deleteFile(path);
  }
}
