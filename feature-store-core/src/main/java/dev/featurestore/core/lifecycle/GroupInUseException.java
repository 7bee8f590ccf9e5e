package dev.featurestore.core.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;

/** A deletion refused because training sets or models depend on the group, which it names. */
public final class GroupInUseException extends ConflictException {
  private final String featureGroup;
  private final GroupDependents dependents;

  public GroupInUseException(String featureGroup, GroupDependents dependents) {
    super(
        "feature group '"
            + featureGroup
            + "' is used by "
            + dependents.trainingSets().size()
            + " training set(s) and "
            + dependents.models().size()
            + " model(s); delete it with force=true to delete it anyway (they are then listed in"
            + " the receipt to rebuild and retrain)");
    this.featureGroup = featureGroup;
    this.dependents = requireNonNull(dependents, "dependents is null");
  }

  public String featureGroup() {
    return featureGroup;
  }

  public GroupDependents dependents() {
    return dependents;
  }
}
