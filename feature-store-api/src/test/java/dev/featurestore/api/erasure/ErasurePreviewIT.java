package dev.featurestore.api.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.LineageSample;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dry run of an erasure: it names the groups, commits, training sets and models that lineage
 * shows for the keys, and changes nothing.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasurePreviewIT {
  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("erasure-preview-it"));
  }

  @Autowired TestRestTemplate anonymous;
  private TestRestTemplate admin;
  private LineageSample sample;

  @BeforeAll
  void createLineage() {
    admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    sample = LineageSample.create(admin, admin);
  }

  @Test
  void namesTheGroupsCommitsTrainingSetsAndModelsOfTheKeys() {
    ResponseEntity<String> preview = preview("{\"entity\":\"user_id\",\"keys\":[\"u1\",\"u3\"]}");

    assertThat(preview.getStatusCode()).as(preview.getBody()).isEqualTo(HttpStatus.OK);
    String body = preview.getBody();
    assertThat(JsonPath.<List<String>>read(body, "$.keys")).containsExactly("u1", "u3");
    assertThat(JsonPath.<List<Map<String, Object>>>read(body, "$.featureGroupsToRewrite"))
        .singleElement()
        .satisfies(
            group -> {
              assertThat(group).containsEntry("name", "activity").containsEntry("keys", 2);
              assertThat(JsonPath.<List<Integer>>read(group, "$.commits[*].sequence"))
                  .containsExactly(1, 2);
            });
    assertThat(JsonPath.<List<String>>read(body, "$.trainingSetsToRewrite[*].id"))
        .containsExactly(sample.trainingSetId());
    assertThat(JsonPath.<List<String>>read(body, "$.trainingSetsToRewrite[0].usedAs"))
        .contains("SPINE");
    assertThat(JsonPath.<List<Map<String, Object>>>read(body, "$.modelsToRetrain"))
        .containsExactly(Map.of("name", "churn", "version", "1"));
  }

  @Test
  void aKeyWithoutRowsWouldRewriteNothing() {
    String body = preview("{\"entity\":\"user_id\",\"keys\":[\"nobody\"]}").getBody();

    assertThat(JsonPath.<List<?>>read(body, "$.featureGroupsToRewrite")).isEmpty();
    assertThat(JsonPath.<List<?>>read(body, "$.trainingSetsToRewrite")).isEmpty();
    assertThat(JsonPath.<List<?>>read(body, "$.modelsToRetrain")).isEmpty();
  }

  @Test
  void changesNothing() {
    preview("{\"entity\":\"user_id\",\"keys\":[\"u2\"]}");

    String lineage = admin.getForObject("/api/v1/lineage/entities/user_id/keys/u2", String.class);
    assertThat(JsonPath.<List<String>>read(lineage, "$.featureGroups[*].name"))
        .containsExactly("activity");
    assertThat(JsonPath.<List<?>>read(lineage, "$.erasures")).isEmpty();
  }

  @Test
  void refusesAnUnknownEntityAndMalformedKeysByField() {
    ResponseEntity<String> unknown = preview("{\"entity\":\"nobody_id\",\"keys\":[\"u1\"]}");
    ResponseEntity<String> emptyKey = preview("{\"entity\":\"user_id\",\"keys\":[\"u1\",\"\"]}");
    ResponseEntity<String> noKeys = preview("{\"entity\":\"user_id\",\"keys\":[]}");

    assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<List<String>>read(unknown.getBody(), "$.errors[*].field"))
        .containsExactly("entity");
    assertThat(emptyKey.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<List<String>>read(emptyKey.getBody(), "$.errors[*].field"))
        .containsExactly("keys[1]");
    assertThat(noKeys.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<List<String>>read(noKeys.getBody(), "$.errors[*].field"))
        .containsExactly("keys");
  }

  private ResponseEntity<String> preview(String json) {
    return JsonPosts.post(admin, "/api/v1/erasures/preview", json);
  }
}
