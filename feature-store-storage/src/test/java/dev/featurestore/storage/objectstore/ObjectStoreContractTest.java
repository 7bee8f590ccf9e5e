package dev.featurestore.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link ObjectStore} adapter must do. A subclass per adapter supplies a fresh, empty
 * store for each test.
 */
abstract class ObjectStoreContractTest {
  /** Above the multipart threshold subclasses configure, and not a whole number of parts. */
  static final int LARGE_OBJECT_BYTES = 12 * 1024 * 1024 + 1234;

  private static final byte[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.UTF_8);

  @TempDir Path temporaryFolder;

  ObjectStore store;

  /** A usable store holding no objects. */
  protected abstract ObjectStore createStore() throws Exception;

  /** A store whose location (folder, bucket) does not exist. */
  protected abstract ObjectStore createStoreWithMissingLocation() throws Exception;

  @BeforeEach
  void createEmptyStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  @Test
  void getsTheBytesThatWerePut() throws IOException {
    store.put("greeting.txt", bytes("hello, world"));

    assertThat(readAll("greeting.txt")).isEqualTo(bytes("hello, world"));
  }

  @Test
  void getsTheFileThatWasPut() throws IOException {
    Path file = Files.write(temporaryFolder.resolve("upload.bin"), randomBytes(10_000, 1));

    store.put("upload.bin", file);

    assertThat(readAll("upload.bin")).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void storesAnEmptyObject() throws IOException {
    store.put("empty", new byte[0]);

    assertThat(readAll("empty")).isEmpty();
  }

  @Test
  void getsNestedKeys() throws IOException {
    store.put("group/commit-1/part/0001.parquet", bytes("nested"));

    assertThat(readAll("group/commit-1/part/0001.parquet")).isEqualTo(bytes("nested"));
  }

  @Test
  void getsRangeFromStart() throws IOException {
    store.put("letters", ALPHABET);

    assertThat(store.getRange("letters", 0, 3)).isEqualTo(bytes("abc"));
  }

  @Test
  void getsRangeFromMiddle() throws IOException {
    store.put("letters", ALPHABET);

    assertThat(store.getRange("letters", 10, 5)).isEqualTo(bytes("klmno"));
  }

  @Test
  void getsShorterRangeWhenObjectEndsFirst() throws IOException {
    store.put("letters", ALPHABET);

    assertThat(store.getRange("letters", 23, 10)).isEqualTo(bytes("xyz"));
  }

  @Test
  void getsEmptyRangeFromPastTheEnd() throws IOException {
    store.put("letters", ALPHABET);

    assertThat(store.getRange("letters", 100, 10)).isEmpty();
  }

  @Test
  void reportsSizeInBytes() throws IOException {
    store.put("letters", ALPHABET);

    assertThat(store.size("letters")).isEqualTo(26);
  }

  @Test
  void listsObjectsUnderPrefixInKeyOrder() throws IOException {
    store.put("group/b/2", bytes("x"));
    store.put("group/a", bytes("x"));
    store.put("group/c", bytes("x"));
    store.put("group/b/1", bytes("x"));

    assertThat(store.list("group/"))
        .extracting(StoredObject::key)
        .containsExactly("group/a", "group/b/1", "group/b/2", "group/c");
  }

  @Test
  void listLeavesOutKeysOutsidePrefix() throws IOException {
    store.put("group-1/a", bytes("x"));
    store.put("group-10/a", bytes("x"));
    store.put("group-2/a", bytes("x"));
    store.put("top", bytes("x"));

    assertThat(store.list("group-1/")).extracting(StoredObject::key).containsExactly("group-1/a");
  }

  @Test
  void listMatchesPrefixEndingInsideASegment() throws IOException {
    store.put("data/part-0001", bytes("x"));
    store.put("data/part-0002", bytes("x"));
    store.put("data/other", bytes("x"));

    assertThat(store.list("data/part-"))
        .extracting(StoredObject::key)
        .containsExactly("data/part-0001", "data/part-0002");
  }

  @Test
  void listWithEmptyPrefixListsEverything() throws IOException {
    store.put("b/1", bytes("x"));
    store.put("a", bytes("x"));

    assertThat(store.list("")).extracting(StoredObject::key).containsExactly("a", "b/1");
  }

  @Test
  void listReportsSizes() throws IOException {
    store.put("sizes/three", bytes("abc"));
    store.put("sizes/five", bytes("abcde"));

    assertThat(store.list("sizes/")).extracting(StoredObject::size).containsExactly(5L, 3L);
  }

  @Test
  void listOfUnknownPrefixIsEmpty() throws IOException {
    store.put("group/a", bytes("x"));

    assertThat(store.list("nothing-here/")).isEmpty();
  }

  @Test
  void deleteRemovesTheObject() throws IOException {
    store.put("doomed", bytes("x"));
    store.put("kept", bytes("x"));

    store.delete("doomed");

    assertThat(store.list("")).extracting(StoredObject::key).containsExactly("kept");
  }

  @Test
  void deletedObjectIsNotFound() throws IOException {
    store.put("doomed", bytes("x"));

    store.delete("doomed");

    assertThatThrownBy(() -> store.get("doomed")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteCanBeRepeated() throws IOException {
    store.put("doomed", bytes("x"));
    store.delete("doomed");

    assertThatCode(() -> store.delete("doomed")).doesNotThrowAnyException();
  }

  @Test
  void deleteOfKeyNeverWrittenIsNoError() {
    assertThatCode(() -> store.delete("never/written")).doesNotThrowAnyException();
  }

  @Test
  void getOfMissingKeyIsNotFound() {
    assertThatThrownBy(() -> store.get("missing"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void sizeOfMissingKeyIsNotFound() {
    assertThatThrownBy(() -> store.size("missing")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rangeOfMissingKeyIsNotFound() {
    assertThatThrownBy(() -> store.getRange("missing", 0, 10))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void missingKeyBesideExistingOnesIsNotFound() throws IOException {
    store.put("folder/present", bytes("x"));

    assertThatThrownBy(() -> store.get("folder/absent")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void folderOfOtherObjectsIsNotAnObject() throws IOException {
    store.put("folder/present", bytes("x"));

    assertThatThrownBy(() -> store.size("folder")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void largeFileRoundTrips() throws IOException {
    byte[] content = randomBytes(LARGE_OBJECT_BYTES, 2);
    Path file = Files.write(temporaryFolder.resolve("large.bin"), content);

    store.put("large/object.bin", file);

    assertThat(Arrays.equals(readAll("large/object.bin"), content))
        .as("large object content equals the uploaded file")
        .isTrue();
  }

  @Test
  void largeFileHasItsFullSize() throws IOException {
    Path file =
        Files.write(temporaryFolder.resolve("large.bin"), randomBytes(LARGE_OBJECT_BYTES, 3));

    store.put("large/object.bin", file);

    assertThat(store.size("large/object.bin")).isEqualTo(LARGE_OBJECT_BYTES);
  }

  @Test
  void rangeOfLargeFileAcrossPartBoundary() throws IOException {
    byte[] content = randomBytes(LARGE_OBJECT_BYTES, 4);
    store.put("large/object.bin", Files.write(temporaryFolder.resolve("large.bin"), content));
    int fiveMebibytes = 5 * 1024 * 1024;

    assertThat(store.getRange("large/object.bin", fiveMebibytes - 10, 20))
        .isEqualTo(Arrays.copyOfRange(content, fiveMebibytes - 10, fiveMebibytes + 10));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "/absolute", "../escape", "a/../b", "a/./b", "a//b", "a/", ".hidden", "a\\b"})
  void rejectsInvalidKeys(String key) {
    assertThatThrownBy(() -> store.put(key, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsKeyThatWouldEscapeWhenReading() {
    assertThatThrownBy(() -> store.get("../outside")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isAvailableWhenUsable() {
    assertThatCode(store::checkAvailable).doesNotThrowAnyException();
  }

  @Test
  void isUnavailableWhenLocationIsMissingAndSaysWhere() throws Exception {
    ObjectStore missing = createStoreWithMissingLocation();
    try {
      assertThatThrownBy(missing::checkAvailable)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(missing.location());
    } finally {
      if (missing instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  byte[] readAll(String key) throws IOException {
    try (InputStream stream = store.get(key)) {
      return stream.readAllBytes();
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
