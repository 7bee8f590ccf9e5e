package dev.featurestore.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalDiskObjectStoreTest extends ObjectStoreContractTest {
  private Path root;

  @Override
  protected ObjectStore createStore() throws IOException {
    root = Files.createDirectory(temporaryFolder.resolve("objects"));
    return new LocalDiskObjectStore(root);
  }

  @Override
  protected ObjectStore createStoreWithMissingLocation() {
    return new LocalDiskObjectStore(temporaryFolder.resolve("no-such-folder"));
  }

  @Test
  void putLeavesNoTemporaryFileBehind() throws IOException {
    store.put("folder/object", bytes("x"));

    try (Stream<Path> files = Files.list(root.resolve("folder"))) {
      assertThat(files).extracting(path -> path.getFileName().toString()).containsExactly("object");
    }
  }

  @Test
  void listSkipsInFlightTemporaryFiles() throws IOException {
    store.put("folder/object", bytes("x"));
    Files.write(root.resolve("folder/.object-2.in-flight.tmp"), bytes("partial"));

    assertThat(store.list("folder/"))
        .extracting(StoredObject::key)
        .containsExactly("folder/object");
  }

  @Test
  void isUnavailableWhenLocationIsAFile() throws IOException {
    Path file = Files.write(temporaryFolder.resolve("a-file"), bytes("x"));
    ObjectStore onFile = new LocalDiskObjectStore(file);

    assertThatThrownBy(onFile::checkAvailable)
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString());
  }
}
