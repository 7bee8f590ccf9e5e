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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers Feast-shaped online requests ({@code features}, {@code entities}, {@code
 * full_feature_names}) from the online indexes, for both HTTP listeners. The whole request is
 * validated before anything is written; the answer is then generated straight from the indexes,
 * value by value, under each group's read view.
 *
 * <p>The body is read with a streaming parser, and a feature list once resolved is kept, keyed by
 * its bytes: a model server sends the same list again and again, and resolving its 50 names took
 * more than the lookup itself (a JSON tree, substrings and a set of output names per request).
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

  /** Distinct feature lists kept resolved; a model server sends a handful. */
  private static final int MAX_PLANS = 256;

  /**
   * Longer feature arrays are resolved for each request instead: whitespace could otherwise make
   * every kept list as large as a body.
   */
  private static final int MAX_PLANNED_LIST_BYTES = 64 << 10;

  private final OnlineIndexes indexes;
  private final JsonMapper json;
  private final int maxKeys;
  private final Map<FeatureList, Plan> plans = new ConcurrentHashMap<>();

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
    Request request = read(body);
    validate(request);
    try (Lookup lookup = open(request)) {
      write(lookup, out);
    }
  }

  /**
   * A request body as read in one pass: where its features array lies, its flag, each entity's
   * keys. The feature names themselves are only decoded when their list is not resolved yet.
   */
  private static final class Request {
    private final byte[] body;
    private int featuresStart;
    private int featuresEnd;
    private int featureCount;
    private JsonToken fullFeatureNames;
    // Null when absent or not an object.
    private Map<String, Keys> entities;

    Request(byte[] body) {
      this.body = body;
    }

    boolean fullFeatureNames() {
      return fullFeatureNames == JsonToken.VALUE_TRUE;
    }

    FeatureList featureList() {
      return new FeatureList(body, featuresStart, featuresEnd, fullFeatureNames());
    }

    int keyCount() {
      return entities.values().iterator().next().count;
    }
  }

  /**
   * One entity's keys as given: 64-bit integers, strings, or any other JSON value (kept as a tree,
   * to be refused if a group needs the entity, and echoed otherwise).
   */
  private static final class Keys {
    private final boolean isArray;
    private int count;
    private long[] integers = new long[4];
    private String[] strings;
    private JsonNode[] others;

    Keys(boolean isArray) {
      this.isArray = isArray;
    }

    /** Reads the parser's current value; past {@code limit} keys they are only counted. */
    void add(JsonParser parser, int limit) {
      int i = count++;
      if (i >= limit) {
        parser.skipChildren();
        return;
      }
      if (i == integers.length) {
        integers = Arrays.copyOf(integers, Math.min(2 * i, limit));
        strings = strings == null ? null : Arrays.copyOf(strings, integers.length);
        others = others == null ? null : Arrays.copyOf(others, integers.length);
      }
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_STRING) {
        if (strings == null) {
          strings = new String[integers.length];
        }
        strings[i] = parser.getString();
      } else if (token == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        integers[i] = parser.getLongValue();
      } else {
        if (others == null) {
          others = new JsonNode[integers.length];
        }
        others[i] = parser.readValueAsTree();
      }
    }

    boolean isString(int i) {
      return strings != null && strings[i] != null;
    }

    boolean isInteger(int i) {
      return !isString(i) && (others == null || others[i] == null);
    }

    void write(JsonGenerator generator) {
      generator.writeStartArray();
      for (int i = 0; i < count; i++) {
        if (isString(i)) {
          generator.writeString(strings[i]);
        } else if (isInteger(i)) {
          generator.writeNumber(integers[i]);
        } else {
          generator.writeTree(others[i]);
        }
      }
      generator.writeEndArray();
    }
  }

  private Request read(byte[] body) {
    Request request = new Request(body);
    try (JsonParser parser = json.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        parser.skipChildren();
        while (parser.nextToken() != null) {
          parser.skipChildren();
        }
        throw new InvalidInputException("body", "must be a JSON object");
      }
      while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "features" -> readFeatures(parser, request);
          case "entities" -> readEntities(parser, request);
          case "full_feature_names" -> request.fullFeatureNames = value;
          default -> {}
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("body", "the request body is not valid JSON");
      }
    } catch (JacksonException e) {
      throw new InvalidInputException("body", "the request body is not valid JSON");
    }
    return request;
  }

  /** Notes where the array lies and how long it is; its strings are decoded only if needed. */
  private static void readFeatures(JsonParser parser, Request request) {
    request.featureCount = 0;
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      return;
    }
    int count = 0;
    request.featuresStart = (int) parser.currentTokenLocation().getByteOffset();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      parser.skipChildren();
      count++;
    }
    request.featuresEnd = (int) parser.currentTokenLocation().getByteOffset() + 1;
    request.featureCount = count;
  }

  private void readEntities(JsonParser parser, Request request) {
    request.entities = null;
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      return;
    }
    Map<String, Keys> entities = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
      String entity = parser.currentName();
      Keys keys = new Keys(parser.nextToken() == JsonToken.START_ARRAY);
      if (keys.isArray) {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          keys.add(parser, maxKeys);
        }
      } else {
        parser.skipChildren();
      }
      entities.put(entity, keys);
    }
    request.entities = entities;
  }

  private void validate(Request request) {
    if (request.featureCount == 0) {
      throw new InvalidInputException("features", "must list at least one 'group:feature'");
    }
    JsonToken fullNames = request.fullFeatureNames;
    if (fullNames != null
        && fullNames != JsonToken.VALUE_TRUE
        && fullNames != JsonToken.VALUE_FALSE
        && fullNames != JsonToken.VALUE_NULL) {
      throw new InvalidInputException("full_feature_names", "must be true or false");
    }
    if (request.entities == null || request.entities.isEmpty()) {
      throw new InvalidInputException(
          "entities", "must map each entity to its list of keys, e.g. {\"user_id\":[\"u1\"]}");
    }
    int keyCount = -1;
    for (Map.Entry<String, Keys> entity : request.entities.entrySet()) {
      String field = "entities." + entity.getKey();
      Keys keys = entity.getValue();
      if (!keys.isArray || keys.count == 0) {
        throw new InvalidInputException(field, "must be a non-empty list of keys");
      }
      if (keys.count > maxKeys) {
        throw new InvalidInputException(
            field, "asks for " + keys.count + " keys; at most " + maxKeys + " per request");
      }
      if (keyCount >= 0 && keys.count != keyCount) {
        throw new InvalidInputException(field, "must have as many keys as the other entities");
      }
      keyCount = keys.count;
    }
  }

  /**
   * The bytes of a request's features array with its full_feature_names flag: the key under which
   * the list's resolution is kept. A probe points into the request; a stored key owns a copy.
   */
  private static final class FeatureList {
    private final byte[] bytes;
    private final int from;
    private final int to;
    private final boolean fullFeatureNames;
    private final int hash;

    FeatureList(byte[] bytes, int from, int to, boolean fullFeatureNames) {
      this.bytes = bytes;
      this.from = from;
      this.to = to;
      this.fullFeatureNames = fullFeatureNames;
      int hash = Boolean.hashCode(fullFeatureNames);
      for (int i = from; i < to; i++) {
        hash = 31 * hash + bytes[i];
      }
      this.hash = hash;
    }

    FeatureList copy() {
      return new FeatureList(Arrays.copyOfRange(bytes, from, to), 0, to - from, fullFeatureNames);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof FeatureList list
          && list.hash == hash
          && list.fullFeatureNames == fullFeatureNames
          && Arrays.equals(bytes, from, to, list.bytes, list.from, list.to);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /**
   * A feature list resolved against the indexes that served it: the groups in order of first
   * mention, each feature's output name, group and column. It holds while the same index objects
   * serve those groups (a column never changes meaning within an index) and the request names the
   * same entities (output names must not clash with them).
   */
  private record Plan(
      List<String> entityNames, List<PlannedGroup> groups, List<PlannedFeature> features) {}

  private record PlannedGroup(String name, LatestValueIndex index) {}

  private record PlannedFeature(String outputName, int group, int column) {}

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
  private record Lookup(Request request, Plan plan, List<GroupRead> groups)
      implements AutoCloseable {
    @Override
    public void close() {
      groups.forEach(group -> group.view.close());
    }
  }

  private Lookup open(Request request) {
    Plan plan = plans.get(request.featureList());
    if (plan != null && plan.entityNames().equals(List.copyOf(request.entities.keySet()))) {
      Optional<Lookup> lookup = openPlanned(request, plan);
      if (lookup.isPresent()) {
        return lookup.get();
      }
    }
    return resolve(request);
  }

  /** Opens the plan's groups; empty when another index now serves one of them. */
  private Optional<Lookup> openPlanned(Request request, Plan plan) {
    List<GroupRead> reads = new ArrayList<>(plan.groups().size());
    try {
      for (PlannedGroup planned : plan.groups()) {
        if (indexes.index(planned.name()).orElse(null) != planned.index()) {
          reads.forEach(read -> read.view.close());
          return Optional.empty();
        }
        GroupRead read = new GroupRead(planned.index().view());
        reads.add(read);
        resolveKeys(read, request.entities);
      }
      return Optional.of(new Lookup(request, plan, reads));
    } catch (RuntimeException e) {
      reads.forEach(read -> read.view.close());
      throw e;
    }
  }

  /** Resolves the request's feature list afresh, checking every reference, and keeps the plan. */
  private Lookup resolve(Request request) {
    List<String> references = featureReferences(request);
    List<String> entityNames = List.copyOf(request.entities.keySet());
    Map<String, Integer> groupPositions = new HashMap<>();
    List<PlannedGroup> groups = new ArrayList<>();
    List<GroupRead> reads = new ArrayList<>();
    List<PlannedFeature> features = new ArrayList<>();
    Set<String> outputNames = new HashSet<>(entityNames);
    try {
      for (int i = 0; i < references.size(); i++) {
        String text = references.get(i);
        int colon = text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
          throw new InvalidInputException(featureField(i), "must be 'group:feature'");
        }
        String groupName = text.substring(0, colon);
        String featureName = text.substring(colon + 1);
        Integer position = groupPositions.get(groupName);
        if (position == null) {
          LatestValueIndex index = onlineIndex(groupName, i);
          GroupRead read = new GroupRead(index.view());
          reads.add(read);
          resolveKeys(read, request.entities);
          position = groups.size();
          groupPositions.put(groupName, position);
          groups.add(new PlannedGroup(groupName, index));
        }
        int column = reads.get(position).view.featureIndex(featureName);
        if (column < 0) {
          throw new InvalidInputException(
              featureField(i),
              "feature group '" + groupName + "' has no feature '" + featureName + "'");
        }
        String outputName =
            request.fullFeatureNames() ? groupName + "__" + featureName : featureName;
        if (!outputNames.add(outputName)) {
          throw new InvalidInputException(
              featureField(i),
              "'"
                  + outputName
                  + "' is requested twice or clashes with an entity; set full_feature_names");
        }
        features.add(new PlannedFeature(outputName, position, column));
      }
    } catch (RuntimeException e) {
      reads.forEach(read -> read.view.close());
      throw e;
    }
    Plan plan = new Plan(entityNames, List.copyOf(groups), List.copyOf(features));
    if (request.featuresEnd - request.featuresStart <= MAX_PLANNED_LIST_BYTES) {
      if (plans.size() >= MAX_PLANS) {
        plans.clear();
      }
      plans.put(request.featureList().copy(), plan);
    }
    return new Lookup(request, plan, reads);
  }

  /** The features array's strings; any other element is an empty, so invalid, reference. */
  private List<String> featureReferences(Request request) {
    List<String> references = new ArrayList<>(request.featureCount);
    try (JsonParser parser =
        json.createParser(
            request.body, request.featuresStart, request.featuresEnd - request.featuresStart)) {
      parser.nextToken();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        references.add(parser.currentToken() == JsonToken.VALUE_STRING ? parser.getString() : "");
        parser.skipChildren();
      }
    }
    return references;
  }

  /** The field of the request's {@code index}-th feature, for errors only: lookups stay lean. */
  private static String featureField(int index) {
    return "features[" + index + "]";
  }

  private LatestValueIndex onlineIndex(String groupName, int featureIndex) {
    String field = featureField(featureIndex);
    Optional<LatestValueIndex> index = indexes.index(groupName);
    if (index.isPresent()) {
      return index.get();
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

  private static void resolveKeys(GroupRead group, Map<String, Keys> entities) {
    String entity = group.view.group().entity().name();
    Keys keys = entities.get(entity);
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
    int[] slots = new int[keys.count];
    SerializedString[] eventTimes = new SerializedString[keys.count];
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      if (keyType == KeyType.INT64 && keys.isInteger(i)) {
        slots[i] = group.view.slotOf(keys.integers[i]);
      } else if (keyType == KeyType.STRING && keys.isString(i)) {
        slots[i] = group.view.slotOf(keys.strings[i]);
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
    Map<String, Keys> entities = lookup.request().entities;
    int keyCount = lookup.request().keyCount();
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeName("metadata");
      generator.writeStartObject();
      generator.writeName("feature_names");
      generator.writeStartArray();
      for (String entity : entities.keySet()) {
        generator.writeString(entity);
      }
      for (PlannedFeature feature : lookup.plan().features()) {
        generator.writeString(feature.outputName());
      }
      generator.writeEndArray();
      generator.writeEndObject();
      generator.writeName("results");
      generator.writeStartArray();
      for (Keys keys : entities.values()) {
        writeEntity(generator, keys, keyCount);
      }
      JsonValueWriter values = new JsonValueWriter(generator);
      for (PlannedFeature feature : lookup.plan().features()) {
        writeFeature(generator, values, lookup.groups().get(feature.group()), feature.column());
      }
      generator.writeEndArray();
      generator.writeEndObject();
    }
  }

  private static void writeEntity(JsonGenerator generator, Keys keys, int keyCount) {
    generator.writeStartObject();
    generator.writeName("values");
    keys.write(generator);
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
      JsonGenerator generator, JsonValueWriter values, GroupRead group, int column) {
    generator.writeStartObject();
    generator.writeName("values");
    generator.writeStartArray();
    OnlineStatus[] statuses = group.statuses;
    group.view.writeValues(group.slots, column, values, statuses);
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
