package dev.featurestore.core.objectstore;

import java.io.IOException;

/** Copies of objects a server keeps on local disk, named by the content hash of their bytes. */
public interface LocalObjectCopies {
  /** Drops the copy of the content, if there is one: its object is gone. */
  void evict(String contentHash) throws IOException;
}
