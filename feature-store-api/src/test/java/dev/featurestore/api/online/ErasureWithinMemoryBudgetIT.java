package dev.featurestore.api.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.security.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An erasure on a group whose online index fits in the memory budget once but not twice: the index
 * cannot be rebuilt beside itself, yet its lookups go on being answered while it follows the
 * erasure, and the erased key is absent once the erasure has completed.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class ErasureWithinMemoryBudgetIT {
  private static final int KEYS = 60_000;
  private static final int KEYS_PER_COMMIT = 10_000;

  /** About one and a half times what the index of {@link #KEYS} keys holds (checked below). */
  private static final long BUDGET_BYTES = 5L << 20;

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.online.memory-budget", () -> BUDGET_BYTES + "B");
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired ApiKeys apiKeys;
  @Autowired OnlineIndexes indexes;
  @Autowired OnlineFeatureLookup onlineLookup;

  @Test
  void lookupsAreAnsweredThroughoutAndTheErasedKeyIsAbsentAfterwards() throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post(http, "/api/v1/entities", "{\"name\":\"item_id\",\"keyType\":\"INT64\"}");
    post(
        http,
        "/api/v1/feature-groups",
        """
        {"name":"item_stats","entity":"item_id","online":true,
         "features":[{"name":"views","type":"INT64"}]}
        """);
    for (int first = 0; first < KEYS; first += KEYS_PER_COMMIT) {
      commitViews(http, first, first + KEYS_PER_COMMIT);
    }
    LatestValueIndex index = indexes.index("item_stats").orElseThrow();
    long used = indexes.budget().usedBytes();
    assertThat(used).as("the index fits once").isLessThanOrEqualTo(BUDGET_BYTES);
    assertThat(2 * used).as("but not twice").isGreaterThan(BUDGET_BYTES);
    assertThat(lookup(http, 7)).isEqualTo("200 PRESENT");
    assertThat(lookup(http, 8)).isEqualTo("200 PRESENT");

    AtomicBoolean erasing = new AtomicBoolean(true);
    List<String> answers;
    // In process, what both ports answer, as often as it can (an HTTP round trip would step over
    // short gaps); on a thread of its own, since the common pool decodes the files reloaded from.
    try (ExecutorService lookups = Executors.newSingleThreadExecutor()) {
      Future<List<String>> otherKeyAnswers =
          lookups.submit(
              () -> {
                List<String> answered = new ArrayList<>();
                while (erasing.get()) {
                  answered.add(lookupInProcess(8));
                }
                return answered;
              });
      try {
        eraseAndWait(http, "7");
      } finally {
        erasing.set(false);
      }
      answers = otherKeyAnswers.get();
    }

    Map<String, Long> answerCounts =
        answers.stream().collect(Collectors.groupingBy(answer -> answer, Collectors.counting()));
    assertThat(answerCounts).containsOnlyKeys("200 PRESENT");
    assertThat(lookup(http, 7)).isEqualTo("200 NOT_FOUND");
    // The index that served before serves still: it was never dropped.
    assertThat(indexes.index("item_stats")).containsSame(index);
    assertThat(index.stats().keys()).isEqualTo(KEYS - 1);
    assertThat(indexes.refusals()).isEmpty();
  }

  /** Like {@link #lookup}, through the lookup both ports use. */
  private String lookupInProcess(long key) {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    try {
      onlineLookup.answer(
          apiKeys.verify(TestApiKeys.ADMIN_KEY).orElseThrow(),
          lookupRequest(key).getBytes(StandardCharsets.UTF_8),
          answer);
    } catch (OnlineIndexUnavailableException e) {
      return "503 -";
    }
    return "200 "
        + JsonPath.read(answer.toString(StandardCharsets.UTF_8), "$.results[1].statuses[0]");
  }

  private static String lookupRequest(long key) {
    return "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[" + key + "]}}";
  }

  private static void commitViews(TestRestTemplate http, int firstKey, int endKey) {
    StringBuilder rows = new StringBuilder();
    for (int key = firstKey; key < endKey; key++) {
      rows.append(rows.isEmpty() ? "" : ",")
          .append("{\"item_id\":")
          .append(key)
          .append(",\"event_time\":\"2026-03-01T00:00:00Z\",\"views\":")
          .append(key)
          .append('}');
    }
    post(http, "/api/v1/feature-groups/item_stats/commits", "{\"rows\":[" + rows + "]}");
  }

  /** The HTTP status and the key's status, e.g. "200 PRESENT" or "503 -". */
  private static String lookup(TestRestTemplate http, long key) {
    ResponseEntity<String> answer =
        JsonPosts.post(http, "/api/v1/online-features", lookupRequest(key));
    if (answer.getStatusCode() != HttpStatus.OK) {
      return answer.getStatusCode().value() + " -";
    }
    return "200 " + JsonPath.read(answer.getBody(), "$.results[1].statuses[0]");
  }

  private static void eraseAndWait(TestRestTemplate http, String key) throws InterruptedException {
    ResponseEntity<String> accepted =
        post(
            http,
            "/api/v1/erasures",
            "{\"entity\":\"item_id\",\"keys\":[\"" + key + "\"],\"reason\":\"GDPR art. 17\"}");
    String job = accepted.getHeaders().getLocation().getPath();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String status = "PENDING";
    while (!status.equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      status = JsonPath.read(http.getForObject(job, String.class), "$.status");
      assertThat(status).isIn("PENDING", "RUNNING", "SUCCEEDED");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    ResponseEntity<String> answer = JsonPosts.post(http, path, json);
    assertThat(answer.getStatusCode().is2xxSuccessful()).as(answer.getBody()).isTrue();
    return answer;
  }
}
