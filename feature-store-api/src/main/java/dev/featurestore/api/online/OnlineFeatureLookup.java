package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.NameSuggestions;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineStatus;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.ReadNotGrantedException;
import dev.featurestore.core.security.ReadScope;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers Feast-shaped online requests ({@code features}, {@code entities}, {@code
 * full_feature_names}) from the online indexes, for both HTTP listeners. The whole request is
 * validated before anything is written; the answer is then generated straight from the indexes,
 * value by value, under each group's read view.
 *
 * <p>A feature list once resolved is kept, keyed by its bytes ({@link OnlineRequest} notes where
 * they lie): a model server sends the same list again and again, and resolving its 50 names took
 * more than the lookup itself (substrings and a set of output names per request).
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
  private final OnlineLookupMetrics metrics;
  private final OnlineTombstones tombstones;
  private final ReadAccess readAccess;
  private final ClassifiedLookupAudit audit;
  private final Map<FeatureList, Plan> plans = new ConcurrentHashMap<>();
  private final KeyAnswerCache answers = new KeyAnswerCache();
  private final AtomicLong planNumbers = new AtomicLong();

  public OnlineFeatureLookup(
      OnlineIndexes indexes,
      JsonMapper json,
      int maxKeys,
      OnlineLookupMetrics metrics,
      ReadAccess readAccess,
      ClassifiedLookupAudit audit) {
    this.indexes = requireNonNull(indexes, "indexes is null");
    this.json = requireNonNull(json, "json is null");
    this.metrics = requireNonNull(metrics, "metrics is null");
    this.tombstones = indexes.tombstones();
    this.readAccess = requireNonNull(readAccess, "readAccess is null");
    this.audit = requireNonNull(audit, "audit is null");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be positive");
    }
    this.maxKeys = maxKeys;
  }

  /** Where both listeners count their lookups. */
  OnlineLookupMetrics metrics() {
    return metrics;
  }

  /**
   * Writes the answer to {@code body} as JSON, for {@code reader}.
   *
   * @throws InvalidInputException when the request is malformed, names a group that is not online
   *     or a feature it lacks, or has keys of the wrong type or too many keys; nothing is written
   * @throws OnlineIndexUnavailableException when a group's index is loading or was refused
   * @throws ReadNotGrantedException when a feature's class is one {@code reader} may not read
   *     online; nothing is written
   */
  public void answer(ApiKey reader, byte[] body, OutputStream out) {
    OnlineRequest request = OnlineRequest.read(json, body, maxKeys);
    try (Lookup lookup = open(request)) {
      PlanAccess access = lookup.plan().access(readAccess.current());
      if (!access.snapshot().readableOnline(reader).containsAll(access.classes())) {
        throw new ReadNotGrantedException(
            ReadScope.ONLINE,
            access
                .snapshot()
                .permissions()
                .unreadable(reader, ReadScope.ONLINE, access.features()));
      }
      write(lookup, out);
      for (int group : access.auditedGroups()) {
        GroupRead read = lookup.groups().get(group);
        audit.lookedUp(
            reader, read.view.group().name(), read.view.group().entity().name(), read.slots.length);
      }
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
      List<String> entityNames,
      List<PlannedGroup> groups,
      List<PlannedFeature> features,
      SerializedString featureNames,
      long number,
      AtomicReference<PlanAccess> lastAccess) {
    /**
     * @param featureNames the answer's {@code feature_names} array (entities, then features) as
     *     JSON text, written once per plan
     * @param number this plan's own, among all plans of the lookup: its answers' key in the {@link
     *     KeyAnswerCache}
     */
    Plan(
        List<String> entityNames,
        List<PlannedGroup> groups,
        List<PlannedFeature> features,
        SerializedString featureNames,
        long number) {
      this(entityNames, groups, features, featureNames, number, new AtomicReference<>());
    }

    /** The plan's features classified as {@code snapshot} says, worked out once per snapshot. */
    PlanAccess access(ReadAccess.Snapshot snapshot) {
      PlanAccess access = lastAccess.get();
      if (access == null || access.snapshot() != snapshot) {
        access = PlanAccess.of(snapshot, this);
        lastAccess.set(access);
      }
      return access;
    }
  }

  private record PlannedGroup(String name, LatestValueIndex index) {}

  private record PlannedFeature(String outputName, String name, int group, int column) {}

  /**
   * What a plan needs a reader to be granted: its features with their classes, the classes, and the
   * groups (by position) whose reads are audited, having features of a class that needs a grant.
   */
  private record PlanAccess(
      ReadAccess.Snapshot snapshot,
      List<ClassifiedFeature> features,
      Set<Classification> classes,
      int[] auditedGroups) {
    static PlanAccess of(ReadAccess.Snapshot snapshot, Plan plan) {
      List<ClassifiedFeature> features = new ArrayList<>();
      EnumSet<Classification> classes = EnumSet.noneOf(Classification.class);
      Set<Integer> audited = new java.util.TreeSet<>();
      for (PlannedFeature feature : plan.features()) {
        ClassifiedFeature classified =
            snapshot.classified(plan.groups().get(feature.group()).name(), feature.name());
        features.add(classified);
        classes.add(classified.classification());
        if (classified.classification().needsGrant()) {
          audited.add(feature.group());
        }
      }
      return new PlanAccess(
          snapshot,
          List.copyOf(features),
          classes,
          audited.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  /**
   * One group's view for the request, its keys' slots, and the JSON arrays its features' results
   * share: every feature of a group has the same event times, and most have the same statuses, so
   * each array is formatted once per request instead of once per feature (a 100-key answer of 50
   * features wrote 10,000 such strings one by one).
   */
  private static final class GroupRead {
    private final LatestValueIndex.View view;
    private int[] slots;
    // Formatted when first written: an answer from the KeyAnswerCache needs none.
    private SerializedString eventTimesArray;
    // One feature's statuses at a time, kept while its values are written.
    private OnlineStatus[] statuses;
    // The statuses array last formatted, and what it held.
    private OnlineStatus[] formattedStatuses;
    private SerializedString statusesArray;
    // The group's values by status (OnlineStatus#ordinal()), for the metrics.
    private final int[] statusCounts = new int[STATUSES.length];

    GroupRead(LatestValueIndex.View view) {
      this.view = view;
    }

    /** The keys' event times as a JSON array of ISO-8601 strings (plain ASCII, nothing escaped). */
    SerializedString eventTimesArray() {
      if (eventTimesArray == null) {
        StringBuilder text = new StringBuilder(2 + slots.length * 30).append('[');
        for (int i = 0; i < slots.length; i++) {
          String time =
              slots[i] < 0 ? Timestamps.EPOCH : Timestamps.format(view.eventTimeMicros(slots[i]));
          text.append(i == 0 ? "\"" : ",\"").append(time).append('"');
        }
        eventTimesArray = encoded(text.append(']').toString());
      }
      return eventTimesArray;
    }

    /** The current feature's statuses as a JSON array of their names. */
    SerializedString statusesArray() {
      if (!Arrays.equals(statuses, formattedStatuses)) {
        StringBuilder text = new StringBuilder(2 + statuses.length * 12).append('[');
        for (int i = 0; i < statuses.length; i++) {
          text.append(i == 0 ? "\"" : ",\"").append(statuses[i].name()).append('"');
        }
        statusesArray = encoded(text.append(']').toString());
        formattedStatuses = statuses.clone();
      }
      return statusesArray;
    }
  }

  /** A validated request holding its groups' read views until closed. */
  private record Lookup(OnlineRequest request, Plan plan, List<GroupRead> groups)
      implements AutoCloseable {
    @Override
    public void close() {
      groups.forEach(group -> group.view.close());
    }
  }

  private Lookup open(OnlineRequest request) {
    FeatureList list =
        new FeatureList(
            request.body(),
            request.featuresStart(),
            request.featuresEnd(),
            request.fullFeatureNames());
    Plan plan = plans.get(list);
    if (plan != null && sameNames(plan.entityNames(), request.entities().keySet())) {
      Optional<Lookup> lookup = openPlanned(request, plan);
      if (lookup.isPresent()) {
        return lookup.get();
      }
    }
    return resolve(request, list);
  }

  private static boolean sameNames(List<String> names, Set<String> requested) {
    if (names.size() != requested.size()) {
      return false;
    }
    int i = 0;
    for (String name : requested) {
      if (!name.equals(names.get(i++))) {
        return false;
      }
    }
    return true;
  }

  /** Opens the plan's groups; empty when another index now serves one of them. */
  private Optional<Lookup> openPlanned(OnlineRequest request, Plan plan) {
    List<GroupRead> reads = new ArrayList<>(plan.groups().size());
    try {
      for (PlannedGroup planned : plan.groups()) {
        if (indexes.index(planned.name()).orElse(null) != planned.index()) {
          reads.forEach(read -> read.view.close());
          return Optional.empty();
        }
        GroupRead read = new GroupRead(planned.index().view());
        reads.add(read);
        resolveKeys(read, request.entities());
      }
      return Optional.of(new Lookup(request, plan, reads));
    } catch (RuntimeException e) {
      reads.forEach(read -> read.view.close());
      throw e;
    }
  }

  /** Resolves the request's feature list afresh, checking every reference, and keeps the plan. */
  private Lookup resolve(OnlineRequest request, FeatureList list) {
    List<String> references = request.featureReferences(json);
    List<String> entityNames = List.copyOf(request.entities().keySet());
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
          resolveKeys(read, request.entities());
          position = groups.size();
          groupPositions.put(groupName, position);
          groups.add(new PlannedGroup(groupName, index));
        }
        int column = reads.get(position).view.featureIndex(featureName);
        if (column < 0) {
          throw new InvalidInputException(
              featureField(i),
              NameSuggestions.unknownFeature(reads.get(position).view.group(), featureName));
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
        features.add(new PlannedFeature(outputName, featureName, position, column));
      }
    } catch (RuntimeException e) {
      reads.forEach(read -> read.view.close());
      throw e;
    }
    Plan plan =
        new Plan(
            entityNames,
            List.copyOf(groups),
            List.copyOf(features),
            featureNames(entityNames, features),
            planNumbers.incrementAndGet());
    if (request.featuresEnd() - request.featuresStart() <= MAX_PLANNED_LIST_BYTES) {
      if (plans.size() >= MAX_PLANS) {
        plans.clear();
      }
      plans.put(list.copy(), plan);
    }
    return new Lookup(request, plan, reads);
  }

  private SerializedString featureNames(List<String> entityNames, List<PlannedFeature> features) {
    return encoded(
        jsonText(
            generator -> {
              generator.writeStartArray();
              for (String entity : entityNames) {
                generator.writeString(entity);
              }
              for (PlannedFeature feature : features) {
                generator.writeString(feature.outputName());
              }
              generator.writeEndArray();
            }));
  }

  private String jsonText(Consumer<JsonGenerator> writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (JsonGenerator generator = json.createGenerator(bytes)) {
      writer.accept(generator);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** JSON text to write as a raw value, its UTF-8 bytes encoded now (a generator copies them). */
  private static SerializedString encoded(String jsonText) {
    SerializedString text = new SerializedString(jsonText);
    text.asUnquotedUTF8();
    return text;
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
      // Only online groups are suggested: a model server may read those, and no others' names.
      throw new InvalidInputException(
          field, NameSuggestions.unknownGroup(groupName, indexes.onlineGroups()));
    }
    switch (state.get()) {
      case NOT_ONLINE ->
          throw new InvalidInputException(
              field,
              "feature group '"
                  + groupName
                  + "' is not marked online; mark it with PATCH /api/v1/feature-groups/"
                  + groupName
                  + " and the body {\"online\":true} (as an administrator or data scientist),"
                  + " then retry once its index has loaded");
      case LOADING ->
          throw new OnlineIndexUnavailableException(
              "the online index of '" + groupName + "' is loading; retry shortly");
      case REFUSED ->
          throw new OnlineIndexUnavailableException(indexes.refusal(groupName).orElseThrow());
    }
    throw new IllegalStateException("unknown state " + state.get());
  }

  /**
   * Each key's slot in the group's index, or -1 when absent; a key with a tombstone is absent too
   * (its digest is computed only when the entity has tombstones at all).
   */
  private void resolveKeys(GroupRead group, Map<String, OnlineRequest.Keys> entities) {
    String entity = group.view.group().entity().name();
    OnlineRequest.Keys keys = entities.get(entity);
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
    int[] slots = new int[keys.count()];
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      if (keyType == KeyType.INT64 && keys.isInteger(i)) {
        long key = keys.integer(i);
        slots[i] = group.view.slotOf(key);
        if (slots[i] >= 0 && tombstones.isErased(entity, Long.toString(key))) {
          slots[i] = -1;
        }
      } else if (keyType == KeyType.STRING && keys.isString(i)) {
        String key = keys.string(i);
        slots[i] = group.view.slotOf(key);
        if (slots[i] >= 0 && tombstones.isErased(entity, key)) {
          slots[i] = -1;
        }
      } else {
        errors.add(
            new FieldError(
                "entities." + entity + "[" + i + "]",
                "must be " + (keyType == KeyType.INT64 ? "a 64-bit integer" : "a string")));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    group.slots = slots;
    group.statuses = new OnlineStatus[slots.length];
  }

  private void write(Lookup lookup, OutputStream out) {
    Map<String, OnlineRequest.Keys> entities = lookup.request().entities();
    int keyCount = lookup.request().keyCount();
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartObject();
      generator.writeName("metadata");
      generator.writeStartObject();
      generator.writeName("feature_names");
      generator.writeRawValue(lookup.plan().featureNames());
      generator.writeEndObject();
      generator.writeName("results");
      generator.writeStartArray();
      for (OnlineRequest.Keys keys : entities.values()) {
        writeEntity(generator, keys, keyCount);
      }
      if (keyCount == 1
          && lookup.groups().size() == 1
          && lookup.groups().getFirst().view.rowStatus(lookup.groups().getFirst().slots[0])
              == OnlineStatus.PRESENT) {
        writeKeyFeatures(generator, lookup.plan(), lookup.groups().getFirst());
      } else {
        writeFeatures(generator, lookup.plan(), lookup.groups());
      }
      generator.writeEndArray();
      generator.writeEndObject();
    }
    for (GroupRead group : lookup.groups()) {
      metrics.answered(group.view.group().name(), group.statusCounts);
    }
  }

  /**
   * The feature results of a request for one key found within the TTL, from the {@link
   * KeyAnswerCache} when it holds them for the index as it is.
   */
  private void writeKeyFeatures(JsonGenerator generator, Plan plan, GroupRead group) {
    int slot = group.slots[0];
    long changes = group.view.changes();
    KeyAnswerCache.Answer answer = answers.find(plan.number(), slot, changes);
    if (answer != null) {
      generator.writeRawValue(answer.features());
      int[] counts = answer.statusCounts();
      for (int i = 0; i < counts.length; i++) {
        group.statusCounts[i] += counts[i];
      }
    } else if (answers.admits(slot)) {
      String results =
          jsonText(
              features -> {
                features.writeStartArray();
                writeFeatures(features, plan, List.of(group));
                features.writeEndArray();
              });
      // The array's elements, less its brackets: the answer's results array holds them.
      answer =
          new KeyAnswerCache.Answer(
              plan.number(),
              slot,
              changes,
              encoded(results.substring(1, results.length() - 1)),
              group.statusCounts.clone());
      answers.keep(answer);
      generator.writeRawValue(answer.features());
    } else {
      writeFeatures(generator, plan, List.of(group));
    }
  }

  /** Each planned feature's results, counting their statuses in their groups. */
  private static void writeFeatures(JsonGenerator generator, Plan plan, List<GroupRead> groups) {
    JsonValueWriter values = new JsonValueWriter(generator);
    for (PlannedFeature feature : plan.features()) {
      GroupRead group = groups.get(feature.group());
      writeFeature(generator, values, group, feature.column());
      for (OnlineStatus status : group.statuses) {
        group.statusCounts[status.ordinal()]++;
      }
    }
  }

  private static void writeEntity(JsonGenerator generator, OnlineRequest.Keys keys, int keyCount) {
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
    group.view.writeValues(group.slots, column, values, group.statuses);
    generator.writeEndArray();
    generator.writeName("statuses");
    generator.writeRawValue(group.statusesArray());
    generator.writeName("event_timestamps");
    generator.writeRawValue(group.eventTimesArray());
    generator.writeEndObject();
  }
}
