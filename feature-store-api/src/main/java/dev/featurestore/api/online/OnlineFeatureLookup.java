package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineStatus;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers Feast-shaped online requests ({@code features}, {@code entities}, {@code
 * full_feature_names}) from the online indexes, for both HTTP listeners. The whole request is
 * validated before anything is written; the answer is then generated straight from the indexes,
 * value by value, under each group's read view.
 */
public final class OnlineFeatureLookup {
  /**
   * Strings written for every value are encoded once: a 100-key answer writes 5,000 statuses and
   * event times.
   */
  private static final SerializedString[] STATUSES =
      Arrays.stream(OnlineStatus.values())
          .map(status -> new SerializedString(status.name()))
          .toArray(SerializedString[]::new);

  private static final SerializedString EPOCH = new SerializedString(Timestamps.EPOCH);

  /** The largest request either listener reads: 1,000 keys and a long feature list fit easily. */
  static final int MAX_BODY_BYTES = 4 << 20;

  static final String BODY_TOO_LARGE =
      "an online request may have at most " + MAX_BODY_BYTES + " bytes";

  private final OnlineIndexes indexes;
  private final JsonMapper json;
  private final int maxKeys;

  public OnlineFeatureLookup(OnlineIndexes indexes, JsonMapper json, int maxKeys) {
    this.indexes = requireNonNull(indexes, "indexes is null");
    this.json = requireNonNull(json, "json is null");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive");
    }
    this.maxKeys = maxKeys;
  }

  /**
   * Writes the answer to {@code body} as JSON.
   *
   * @throws InvalidInputException when the request is malformed, names a group that is not online
   *     or a feature it lacks, or has keys of the wrong type or too many keys; nothing is written
   * @throws OnlineIndexUnavailableException when a group's index is loading or was refused
   */
  public void answer(byte[] body, OutputStream out) {
    try (Lookup lookup = parse(body)) {
      write(lookup, out);
    }
  }

  /** One requested feature, resolved to its group's read and its column. */
  private record RequestedFeature(String outputName, GroupRead group, int column) {}

  /** One group's view for the request, its keys' slots and their event times as text. */
  private static final class GroupRead {
    private final LatestValueIndex.View view;
    private int[] slots;
    private SerializedString[] eventTimes;
    // One feature's statuses at a time, kept while its values are written.
    private OnlineStatus[] statuses;

    GroupRead(LatestValueIndex.View view) {
      this.view = view;
    }
  }

  /** A validated request holding its groups' read views until closed. */
  private static final class Lookup implements AutoCloseable {
    private final Map<String, GroupRead> groups = new LinkedHashMap<>();
    private final List<RequestedFeature> features = new ArrayList<>();
    private Map<String, JsonNode> entities = Map.of();
    private int keyCount;

    @Override
    public void close() {
      groups.values().forEach(group -> group.view.close());
    }
  }

  private Lookup parse(byte[] body) {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JacksonException e) {
      throw new InvalidInputException("body", "the request body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("body", "must be a JSON object");
    }
    JsonNode features = root.get("features");
    if (features == null || !features.isArray() || features.isEmpty()) {
      throw new InvalidInputException("features", "must list at least one 'group:feature'");
    }
    JsonNode fullNames = root.get("full_feature_names");
    if (fullNames != null && !fullNames.isBoolean() && !fullNames.isNull()) {
      throw new InvalidInputException("full_feature_names", "must be true or false");
    }
    boolean fullFeatureNames = fullNames != null && fullNames.booleanValue(false);
    Map<String, JsonNode> entities = entities(root.get("entities"));

    Lookup lookup = new Lookup();
    try {
      lookup.entities = entities;
      lookup.keyCount = entities.values().iterator().next().size();
      Set<String> outputNames = new HashSet<>(entities.keySet());
      for (int i = 0; i < features.size(); i++) {
        JsonNode reference = features.get(i);
        String text = reference.isString() ? reference.stringValue() : "";
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
          throw new InvalidInputException(featureField(i), "must be 'group:feature'");
        }
        String groupName = text.substring(0, colon);
        String featureName = text.substring(colon + 1);
        GroupRead group = lookup.groups.get(groupName);
        if (group == null) {
          group = new GroupRead(openView(groupName, i));
          lookup.groups.put(groupName, group);
          resolveKeys(group, entities);
        }
        int column = group.view.featureIndex(featureName);
        if (column < 0) {
          throw new InvalidInputException(
              featureField(i),
              "feature group '" + groupName + "' has no feature '" + featureName + "'");
        }
        String outputName = fullFeatureNames ? groupName + "__" + featureName : featureName;
        if (!outputNames.add(outputName)) {
          throw new InvalidInputException(
              featureField(i),
              "'"
                  + outputName
                  + "' is requested twice or clashes with an entity; set full_feature_names");
        }
        lookup.features.add(new RequestedFeature(outputName, group, column));
      }
      return lookup;
    } catch (RuntimeException e) {
      lookup.close();
      throw e;
    }
  }

  private Map<String, JsonNode> entities(JsonNode entities) {
    if (entities == null || !entities.isObject() || entities.isEmpty()) {
      throw new InvalidInputException(
          "entities", "must map each entity to its list of keys, e.g. {\"user_id\":[\"u1\"]}");
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    int keyCount = -1;
    for (Map.Entry<String, JsonNode> entity : entities.properties()) {
      String field = "entities." + entity.getKey();
      JsonNode keys = entity.getValue();
      if (!keys.isArray() || keys.isEmpty()) {
        throw new InvalidInputException(field, "must be a non-empty list of keys");
      }
      if (keys.size() > maxKeys) {
        throw new InvalidInputException(
            field, "asks for " + keys.size() + " keys; at most " + maxKeys + " per request");
      }
      if (keyCount >= 0 && keys.size() != keyCount) {
        throw new InvalidInputException(field, "must have as many keys as the other entities");
      }
      keyCount = keys.size();
      byName.put(entity.getKey(), keys);
    }
    return byName;
  }

  /** The field of the request's {@code index}-th feature, for errors only: lookups stay lean. */
  private static String featureField(int index) {
    return "features[" + index + "]";
  }

  private LatestValueIndex.View openView(String groupName, int featureIndex) {
    String field = featureField(featureIndex);
    Optional<LatestValueIndex> index = indexes.index(groupName);
    if (index.isPresent()) {
      return index.get().view();
    }
    Optional<OnlineIndexes.GroupState> state = indexes.stateWithoutIndex(groupName);
    if (state.isEmpty()) {
      throw new InvalidInputException(field, "feature group '" + groupName + "' does not exist");
    }
    switch (state.get()) {
      case NOT_ONLINE ->
          throw new InvalidInputException(
              field, "feature group '" + groupName + "' is not marked online");
      case LOADING ->
          throw new OnlineIndexUnavailableException(
              "the online index of '" + groupName + "' is loading; retry shortly");
      case REFUSED ->
          throw new OnlineIndexUnavailableException(indexes.refusal(groupName).orElseThrow());
    }
    throw new IllegalStateException("unknown state " + state.get());
  }

  private static void resolveKeys(GroupRead group, Map<String, JsonNode> entities) {
    String entity = group.view.group().entity().name();
    JsonNode keys = entities.get(entity);
    if (keys == null) {
      throw new InvalidInputException(
          "entities." + entity,
          "feature group '"
              + group.view.group().name()
              + "' needs keys of entity '"
              + entity
              + "'");
    }
    KeyType keyType = group.view.group().entity().keyType();
    int[] slots = new int[keys.size()];
    SerializedString[] eventTimes = new SerializedString[keys.size()];
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      JsonNode key = keys.get(i);
      if (keyType == KeyType.INT64 && key.isIntegralNumber() && key.canConvertToLong()) {
        slots[i] = group.view.slotOf(key.longValue());
      } else if (keyType == KeyType.STRING && key.isString()) {
        slots[i] = group.view.slotOf(key.stringValue());
      } else {
        errors.add(
            new FieldError(
                "entities." + entity + "[" + i + "]",
                "must be " + (keyType == KeyType.INT64 ? "a 64-bit integer" : "a string")));
        continue;
      }
      eventTimes[i] =
          slots[i] < 0
              ? EPOCH
              : new SerializedString(Timestamps.format(group.view.eventTimeMicros(slots[i])));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    group.slots = slots;
    group.eventTimes = eventTimes;
    group.statuses = new OnlineStatus[slots.length];
  }

  private void write(Lookup lookup, OutputStream out) {
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeName("metadata");
      generator.writeStartObject();
      generator.writeName("feature_names");
      generator.writeStartArray();
      for (String entity : lookup.entities.keySet()) {
        generator.writeString(entity);
      }
      for (RequestedFeature feature : lookup.features) {
        generator.writeString(feature.outputName());
      }
      generator.writeEndArray();
      generator.writeEndObject();
      generator.writeName("results");
      generator.writeStartArray();
      for (JsonNode keys : lookup.entities.values()) {
        writeEntity(generator, keys, lookup.keyCount);
      }
      JsonValueWriter values = new JsonValueWriter(generator);
      for (RequestedFeature feature : lookup.features) {
        writeFeature(generator, values, feature);
      }
      generator.writeEndArray();
      generator.writeEndObject();
    }
  }

  private static void writeEntity(JsonGenerator generator, JsonNode keys, int keyCount) {
    generator.writeStartObject();
    generator.writeName("values");
    generator.writeTree(keys);
    generator.writeName("statuses");
    generator.writeStartArray();
    for (int i = 0; i < keyCount; i++) {
      generator.writeString(STATUSES[OnlineStatus.PRESENT.ordinal()]);
    }
    generator.writeEndArray();
    generator.writeName("event_timestamps");
    generator.writeStartArray();
    for (int i = 0; i < keyCount; i++) {
      generator.writeString(EPOCH);
    }
    generator.writeEndArray();
    generator.writeEndObject();
  }

  private static void writeFeature(
      JsonGenerator generator, JsonValueWriter values, RequestedFeature feature) {
    GroupRead group = feature.group();
    int[] slots = group.slots;
    generator.writeStartObject();
    generator.writeName("values");
    generator.writeStartArray();
    OnlineStatus[] statuses = group.statuses;
    group.view.writeValues(slots, feature.column(), values, statuses);
    generator.writeEndArray();
    generator.writeName("statuses");
    generator.writeStartArray();
    for (OnlineStatus status : statuses) {
      generator.writeString(STATUSES[status.ordinal()]);
    }
    generator.writeEndArray();
    generator.writeName("event_timestamps");
    generator.writeStartArray();
    for (SerializedString eventTime : group.eventTimes) {
      generator.writeString(eventTime);
    }
    generator.writeEndArray();
    generator.writeEndObject();
  }
}
