package dev.featurestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.online.ClassifiedLookupAudit;
import dev.featurestore.api.online.OnlineListener;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.Grants;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.CatalogChangeListener;
import dev.featurestore.storage.catalog.JdbcFeatureClassifications;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Classification and grants through the whole server: every read path (training-set build and
 * download, online lookups on both ports) refuses PII features without a grant, naming them; a
 * grant unlocks, its revocation locks again at once; reads of PII are audited.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassifiedReadsIT {
  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("classified-reads-it"));
    registry.add("feature-store.online-port", () -> "0");
  }

  private static final String BUILD =
      """
      {"name":"churn","features":["profile:email","profile:country","clicks:clicks_7d"],
       "spine":{"rows":[{"user_id":"u1","event_time":"2026-01-02T00:00:00Z"}]}}
      """;
  private static final String LOOKUP =
      "{\"features\":[\"profile:email\",\"profile:country\"],\"entities\":{\"user_id\":[\"u1\",\"u2\"]}}";
  private static final String ONE_KEY_PII_LOOKUP =
      "{\"features\":[\"profile:email\"],\"entities\":{\"user_id\":[\"u1\"]}}";
  private static final String PUBLIC_LOOKUP =
      "{\"features\":[\"profile:country\"],\"entities\":{\"user_id\":[\"u1\"]}}";

  @Autowired TestRestTemplate anonymous;
  @Autowired OnlineListener onlineListener;
  @Autowired ClassifiedLookupAudit lookupAudit;
  @Autowired ApiKeys apiKeys;
  @Autowired Grants grants;
  @Autowired DataSource dataSource;

  private final HttpClient http = HttpClient.newHttpClient();
  private TestRestTemplate admin;
  private ApiKey scientistKey;
  private TestRestTemplate scientist;
  private String modelServerSecret;
  private ApiKey modelServerKey;
  private TestRestTemplate modelServer;

  @BeforeAll
  void defineClassifiedGroups() {
    admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    var issuedScientist = apiKeys.issue("scientist", Role.DATA_SCIENTIST);
    scientistKey = issuedScientist.apiKey();
    scientist = TestApiKeys.as(anonymous, issuedScientist.secret());
    var issuedServer = apiKeys.issue("model server", Role.MODEL_SERVER);
    modelServerKey = issuedServer.apiKey();
    modelServerSecret = issuedServer.secret();
    modelServer = TestApiKeys.as(anonymous, modelServerSecret);

    JsonPosts.defineClicksGroup(admin, "clicks");
    ok(
        JsonPosts.post(
            admin,
            "/api/v1/feature-groups",
            """
            {"name":"profile","entity":"user_id","online":true,"classification":"PII",
             "features":[{"name":"email","type":"STRING"},
                         {"name":"country","type":"STRING","classification":"PUBLIC"}]}
            """));
    ok(
        JsonPosts.post(
            admin,
            "/api/v1/feature-groups/profile/commits",
            """
            {"rows":[{"user_id":"u1","event_time":"2026-01-01T00:00:00Z","email":"a@x","country":"NL"},
                     {"user_id":"u2","event_time":"2026-01-01T00:00:00Z","email":"b@x","country":"FR"}]}
            """));
    ok(
        JsonPosts.post(
            admin,
            "/api/v1/feature-groups/clicks/commits",
            "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-01-01T00:00:00Z\",\"clicks_7d\":3}]}"));
  }

  @Test
  void classificationsAreShownAndUnknownClassesAreRefusedByName() {
    String group = admin.getForObject("/api/v1/feature-groups/profile", String.class);
    assertThat(JsonPath.<String>read(group, "$.classification")).isEqualTo("PII");
    assertThat(JsonPath.<String>read(group, "$.features[1].classification")).isEqualTo("PUBLIC");
    // A feature that takes its group's classification shows none of its own.
    assertThat(JsonPath.<Map<String, Object>>read(group, "$.features[0]"))
        .doesNotContainKey("classification");

    ResponseEntity<String> unknownGroupClass =
        patch("/api/v1/feature-groups/clicks", "{\"classification\":\"SECRET\"}");
    ResponseEntity<String> unknownFeatureClass =
        patch(
            "/api/v1/feature-groups/clicks",
            "{\"featureClassifications\":{\"clicks_7d\":\"TOP_SECRET\"}}");
    ResponseEntity<String> unknownFeature =
        patch("/api/v1/feature-groups/clicks", "{\"featureClassifications\":{\"nope\":\"PII\"}}");

    assertRefused(unknownGroupClass, "classification", "PUBLIC, INTERNAL, PII, SENSITIVE");
    assertRefused(
        unknownFeatureClass,
        "featureClassifications.clicks_7d",
        "PUBLIC, INTERNAL, PII, SENSITIVE");
    assertRefused(unknownFeature, "featureClassifications.nope", "has no feature 'nope'");
    String clicks = admin.getForObject("/api/v1/feature-groups/clicks", String.class);
    assertThat(JsonPath.<String>read(clicks, "$.classification")).isEqualTo("INTERNAL");
  }

  @Test
  void aBuildOfPiiFeaturesIsRefusedNamingThemUntilGrantedAndIsAudited() {
    ResponseEntity<String> refused = JsonPosts.post(scientist, "/api/v1/training-sets", BUILD);
    assertRefusedRead(refused, "profile", "email", Classification.PII);

    String grant =
        grant(
            "{\"apiKeyId\":\""
                + scientistKey.id()
                + "\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}");
    try {
      ResponseEntity<String> built = JsonPosts.post(scientist, "/api/v1/training-sets", BUILD);
      assertThat(built.getStatusCode()).as(built.getBody()).isEqualTo(HttpStatus.CREATED);
      String id = JsonPath.read(built.getBody(), "$.id");
      ResponseEntity<String> downloaded =
          scientist.getForEntity("/api/v1/training-sets/" + id + "/data?format=json", String.class);
      assertThat(downloaded.getStatusCode()).isEqualTo(HttpStatus.OK);

      List<Map<String, Object>> reads = reads(scientistKey, "TRAINING_SET");
      assertThat(reads)
          .extracting(entry -> (Object) ((Map<?, ?>) entry.get("details")).get("read"))
          .containsExactly("download", "build");
      assertThat(reads)
          .allSatisfy(
              entry -> {
                assertThat(entry)
                    .containsEntry("target", id)
                    .containsEntry("principal", "scientist");
                assertThat(((Map<?, ?>) entry.get("details")).get("features"))
                    .isEqualTo("profile:email (PII)");
              });

      revoke(grant);
      grant = null;
      ResponseEntity<String> relocked =
          scientist.getForEntity("/api/v1/training-sets/" + id + "/data?format=json", String.class);
      assertRefusedRead(relocked, "profile", "email", Classification.PII);
    } finally {
      if (grant != null) {
        revoke(grant);
      }
    }
  }

  @Test
  void aPreviewOfAGroupWithPiiFeaturesNeedsAnOfflineGrant() {
    ok(scientist.getForEntity("/api/v1/feature-groups/clicks/preview", String.class));
    assertRefusedRead(
        scientist.getForEntity("/api/v1/feature-groups/profile/preview", String.class),
        "profile",
        "email",
        Classification.PII);

    String grant =
        grant(
            "{\"apiKeyId\":\""
                + scientistKey.id()
                + "\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}");
    try {
      ResponseEntity<String> preview =
          scientist.getForEntity("/api/v1/feature-groups/profile/preview", String.class);
      ok(preview);
      assertThat(JsonPath.<List<String>>read(preview.getBody(), "$.rows[*].email"))
          .containsExactlyInAnyOrder("a@x", "b@x");
    } finally {
      revoke(grant);
    }
  }

  @Test
  void onlineLookupsOfPiiNeedAnOnlineGrantOnBothPortsAndRevocationRelocksAtOnce() throws Exception {
    String offlineOnly =
        grant("{\"role\":\"MODEL_SERVER\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}");
    assertRefusedOnBothPorts();
    revoke(offlineOnly);

    String online =
        grant(
            "{\"role\":\"MODEL_SERVER\",\"classes\":[\"PII\",\"SENSITIVE\"],\"scopes\":[\"ONLINE\"]}");
    assertThat(JsonPosts.post(modelServer, "/api/v1/online-features", LOOKUP).getStatusCode())
        .isEqualTo(HttpStatus.OK);
    assertThat(onlinePort(LOOKUP).statusCode()).isEqualTo(200);
    // Asked for more than once, a one-key answer is kept formatted (KeyAnswerCache).
    for (int i = 0; i < 3; i++) {
      assertThat(onlinePort(ONE_KEY_PII_LOOKUP).statusCode()).isEqualTo(200);
    }

    revoke(online);
    assertRefusedOnBothPorts();
    HttpResponse<String> kept = onlinePort(ONE_KEY_PII_LOOKUP);
    assertThat(kept.statusCode()).isEqualTo(403);
    assertRefusedBody(kept.body(), "profile", "email", Classification.PII);
    // A feature classified PUBLIC in the PII group stays readable without a grant.
    assertThat(
            JsonPosts.post(modelServer, "/api/v1/online-features", PUBLIC_LOOKUP).getStatusCode())
        .isEqualTo(HttpStatus.OK);
  }

  @Test
  void reclassifyingAFeatureDecidesTheNextLookup() {
    // Asked for more than once, a one-key answer is kept formatted (KeyAnswerCache).
    for (int i = 0; i < 3; i++) {
      assertThat(
              JsonPosts.post(modelServer, "/api/v1/online-features", PUBLIC_LOOKUP).getStatusCode())
          .isEqualTo(HttpStatus.OK);
    }
    ok(
        patch(
            "/api/v1/feature-groups/profile",
            "{\"featureClassifications\":{\"country\":\"SENSITIVE\"}}"));
    try {
      assertRefusedRead(
          JsonPosts.post(modelServer, "/api/v1/online-features", PUBLIC_LOOKUP),
          "profile",
          "country",
          Classification.SENSITIVE);
    } finally {
      ok(
          patch(
              "/api/v1/feature-groups/profile",
              "{\"featureClassifications\":{\"country\":\"PUBLIC\"}}"));
    }
  }

  @Test
  void onlineReadsOfPiiAreCountedPerCallerAndGroupAndWrittenAtEachFlush() throws Exception {
    lookupAudit.flush();
    int earlier = reads(modelServerKey, "FEATURE_GROUP").size();
    String online =
        grant(
            "{\"apiKeyId\":\""
                + modelServerKey.id()
                + "\",\"classes\":[\"PII\"],\"scopes\":[\"ONLINE\"]}");
    try {
      assertThat(JsonPosts.post(modelServer, "/api/v1/online-features", LOOKUP).getStatusCode())
          .isEqualTo(HttpStatus.OK);
      assertThat(onlinePort(LOOKUP).statusCode()).isEqualTo(200);
      assertThat(onlinePort(LOOKUP).statusCode()).isEqualTo(200);
      // Only PUBLIC values: not a read of PII, not counted.
      assertThat(onlinePort(PUBLIC_LOOKUP).statusCode()).isEqualTo(200);
    } finally {
      revoke(online);
    }

    lookupAudit.flush();

    List<Map<String, Object>> all = reads(modelServerKey, "FEATURE_GROUP");
    // Newest first; the schedule may have flushed part of the counts already.
    List<Map<String, Object>> written = all.subList(0, all.size() - earlier);
    assertThat(written)
        .isNotEmpty()
        .allSatisfy(
            entry -> {
              assertThat(entry)
                  .containsEntry("target", "profile")
                  .containsEntry("entity", "user_id")
                  .containsEntry("principal", "model server");
              assertThat(((Map<?, ?>) entry.get("details")).get("scope")).isEqualTo("ONLINE");
            });
    assertThat(written.stream().mapToInt(entry -> detail(entry, "lookups")).sum()).isEqualTo(3);
    assertThat(written.stream().mapToInt(entry -> detail(entry, "keys")).sum()).isEqualTo(6);
    lookupAudit.flush();
    assertThat(reads(modelServerKey, "FEATURE_GROUP")).hasSameSizeAs(all);
  }

  private static int detail(Map<String, Object> entry, String name) {
    return ((Number) ((Map<?, ?>) entry.get("details")).get(name)).intValue();
  }

  /**
   * Another replica decides from its own snapshot: it hears of a grant and of its revocation
   * through the catalog's notification, without waiting for its poll.
   */
  @Test
  void anotherReplicaHearsOfGrantsAndRevocations() throws Exception {
    ReadAccess replica = new ReadAccess(grants, new JdbcFeatureClassifications(dataSource));
    replica.reload();
    Semaphore reloads = new Semaphore(0);
    try (CatalogChangeListener changes =
        new CatalogChangeListener(
            dataSource,
            Map.of(
                CatalogChangeListener.READ_ACCESS_CHANGES,
                () -> {
                  replica.reload();
                  reloads.release();
                }),
            Duration.ofSeconds(1))) {
      changes.start();
      assertThat(reloads.tryAcquire(30, TimeUnit.SECONDS)).isTrue(); // listening
      assertThat(replica.current().readableOnline(modelServerKey))
          .doesNotContain(Classification.PII);

      String online =
          grant("{\"role\":\"MODEL_SERVER\",\"classes\":[\"PII\"],\"scopes\":[\"ONLINE\"]}");
      assertThat(reloads.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      assertThat(replica.current().readableOnline(modelServerKey)).contains(Classification.PII);

      revoke(online);
      assertThat(reloads.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
      assertThat(replica.current().readableOnline(modelServerKey))
          .doesNotContain(Classification.PII);
    }
  }

  private void assertRefusedOnBothPorts() throws Exception {
    assertRefusedRead(
        JsonPosts.post(modelServer, "/api/v1/online-features", LOOKUP),
        "profile",
        "email",
        Classification.PII);
    HttpResponse<String> online = onlinePort(LOOKUP);
    assertThat(online.statusCode()).isEqualTo(403);
    assertRefusedBody(online.body(), "profile", "email", Classification.PII);
  }

  private static void assertRefusedRead(
      ResponseEntity<String> answer, String group, String feature, Classification classification) {
    assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(HttpStatus.FORBIDDEN);
    assertRefusedBody(answer.getBody(), group, feature, classification);
  }

  private static void assertRefusedBody(
      String body, String group, String feature, Classification classification) {
    assertThat(JsonPath.<String>read(body, "$.code")).isEqualTo("READ_NOT_GRANTED");
    assertThat(JsonPath.<List<Map<String, Object>>>read(body, "$.refusedFeatures"))
        .containsExactly(
            Map.of(
                "featureGroup",
                group,
                "feature",
                feature,
                "classification",
                classification.name()));
    assertThat(JsonPath.<String>read(body, "$.detail"))
        .contains(group + ":" + feature + " (" + classification + ")");
  }

  private static void assertRefused(ResponseEntity<String> answer, String field, String message) {
    assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<List<String>>read(answer.getBody(), "$.errors[*].field"))
        .containsExactly(field);
    assertThat(JsonPath.<String>read(answer.getBody(), "$.errors[0].message")).contains(message);
  }

  /** The READ entries an API key caused about objects of a type, newest first. */
  private List<Map<String, Object>> reads(ApiKey key, String targetType) {
    String page = admin.getForObject("/api/v1/audit?apiKey=" + key.id(), String.class);
    return JsonPath.read(
        page, "$.entries[?(@.action == 'READ' && @.targetType == '" + targetType + "')]");
  }

  private String grant(String body) {
    ResponseEntity<String> granted = JsonPosts.post(admin, "/api/v1/grants", body);
    assertThat(granted.getStatusCode()).as(granted.getBody()).isEqualTo(HttpStatus.CREATED);
    return JsonPath.read(granted.getBody(), "$.id");
  }

  private void revoke(String grant) {
    ResponseEntity<String> revoked =
        admin.exchange("/api/v1/grants/" + grant, HttpMethod.DELETE, null, String.class);
    assertThat(revoked.getStatusCode()).as(revoked.getBody()).isEqualTo(HttpStatus.OK);
  }

  private ResponseEntity<String> patch(String path, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return admin.exchange(path, HttpMethod.PATCH, new HttpEntity<>(json, headers), String.class);
  }

  private static void ok(ResponseEntity<String> answer) {
    assertThat(answer.getStatusCode().is2xxSuccessful()).as(answer.getBody()).isTrue();
  }

  private HttpResponse<String> onlinePort(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:"
                        + onlineListener.port().orElseThrow()
                        + "/get-online-features"))
            .header("Authorization", "Bearer " + modelServerSecret)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
