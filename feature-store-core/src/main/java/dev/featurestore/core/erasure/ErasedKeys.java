package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyRange;
import java.util.Set;

/** The keys of one entity an erasure removes, as the entity spells them (canonical key text). */
public record ErasedKeys(Entity entity, Set<String> keys) implements RemovedRows {
  public ErasedKeys {
    requireNonNull(entity, "entity is null");
    keys = Set.copyOf(keys);
  }

  /** Whether the file's key range (from the catalog's stats) covers any of the keys. */
  @Override
  public boolean mayBeIn(DataFile file) {
    if (file.rowCount() == 0) {
      // Emptied by an earlier erasure (its key range is that of the rows it had).
      return false;
    }
    if (file.keyMin() == null || file.keyMax() == null) {
      return true;
    }
    KeyRange range = KeyRange.ofText(entity.keyType(), file.keyMin(), file.keyMax());
    for (String key : keys) {
      if (range.containsText(key)) {
        return true;
      }
    }
    return false;
  }
}
