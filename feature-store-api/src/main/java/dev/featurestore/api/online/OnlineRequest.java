package dev.featurestore.api.online;

import dev.featurestore.api.problems.DuplicateJsonProperty;
import dev.featurestore.api.problems.MalformedJson;
import dev.featurestore.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An online request body ({@code features}, {@code entities}, {@code full_feature_names}) read in
 * one pass of a streaming parser, without a tree, and checked. Where the features array lies is
 * noted, not its names: they are decoded only when the list is not resolved yet ({@link
 * OnlineFeatureLookup} keeps resolved lists by their bytes).
 */
final class OnlineRequest {
  private final byte[] body;
  private int featuresStart;
  private int featuresEnd;
  private int featureCount;
  private JsonToken fullFeatureNames;
  // Null when absent or not an object.
  private Map<String, Keys> entities;

  private OnlineRequest(byte[] body) {
    this.body = body;
  }

  byte[] body() {
    return body;
  }

  /** The features array's first byte. */
  int featuresStart() {
    return featuresStart;
  }

  /** Past the features array's last byte. */
  int featuresEnd() {
    return featuresEnd;
  }

  boolean fullFeatureNames() {
    return fullFeatureNames == JsonToken.VALUE_TRUE;
  }

  /** Each entity's keys, in the request's order; every list has {@link #keyCount} keys. */
  Map<String, Keys> entities() {
    return entities;
  }

  int keyCount() {
    return entities.values().iterator().next().count;
  }

  /** The features array's strings; any other element is an empty, so invalid, reference. */
  List<String> featureReferences(JsonMapper json) {
    List<String> references = new ArrayList<>(featureCount);
    try (JsonParser parser = json.createParser(body, featuresStart, featuresEnd - featuresStart)) {
      parser.nextToken();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        references.add(parser.currentToken() == JsonToken.VALUE_STRING ? parser.getString() : "");
        parser.skipChildren();
      }
    }
    return references;
  }

  /**
   * One entity's keys as given: 64-bit integers, strings, or any other JSON value (kept as a tree,
   * to be refused if a group needs the entity, and echoed otherwise).
   */
  static final class Keys {
    private final boolean isArray;
    private int count;
    private long[] integers = new long[4];
    private String[] strings;
    private JsonNode[] others;

    private Keys(boolean isArray) {
      this.isArray = isArray;
    }

    /** Reads the parser's current value; past {@code limit} keys they are only counted. */
    private void add(JsonParser parser, int limit) {
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

    int count() {
      return count;
    }

    long integer(int i) {
      return integers[i];
    }

    String string(int i) {
      return strings[i];
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

  /**
   * Reads and checks a body.
   *
   * @throws InvalidInputException when it is not JSON, or lacks features or entities, or has too
   *     many keys or lists of keys of different lengths
   */
  static OnlineRequest read(JsonMapper json, byte[] body, int maxKeys) {
    OnlineRequest request = new OnlineRequest(body);
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
          case "entities" -> readEntities(parser, request, maxKeys);
          case "full_feature_names" -> request.fullFeatureNames = value;
          default -> {}
        }
        parser.skipChildren();
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("body", "the request body is not valid JSON");
      }
    } catch (JacksonException e) {
      throw DuplicateJsonProperty.field(e)
          .map(field -> new InvalidInputException(field, DuplicateJsonProperty.MESSAGE))
          .orElseGet(() -> new InvalidInputException("body", MalformedJson.message(e)));
    }
    request.check(maxKeys);
    return request;
  }

  /** Notes where the array lies and how long it is; its strings are decoded only if needed. */
  private static void readFeatures(JsonParser parser, OnlineRequest request) {
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

  private static void readEntities(JsonParser parser, OnlineRequest request, int maxKeys) {
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

  private void check(int maxKeys) {
    if (featureCount == 0) {
      throw new InvalidInputException("features", "must list at least one 'group:feature'");
    }
    JsonToken fullNames = fullFeatureNames;
    if (fullNames != null
        && fullNames != JsonToken.VALUE_TRUE
        && fullNames != JsonToken.VALUE_FALSE
        && fullNames != JsonToken.VALUE_NULL) {
      throw new InvalidInputException("full_feature_names", "must be true or false");
    }
    if (entities == null || entities.isEmpty()) {
      throw new InvalidInputException(
          "entities", "must map each entity to its list of keys, e.g. {\"user_id\":[\"u1\"]}");
    }
    int keyCount = -1;
    for (Map.Entry<String, Keys> entity : entities.entrySet()) {
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
}
