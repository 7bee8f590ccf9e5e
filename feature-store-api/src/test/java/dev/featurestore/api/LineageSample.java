package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * A small catalog with lineage, built through the REST API: the entity {@code user_id}, the online
 * group {@code activity} with two commits (u1 and u2, then u1 and u3), a training set on u1 and u2
 * built by {@code owner}, and the model {@code churn} version 1 trained on it.
 *
 * @param trainingSetId the id of the training set {@code churn_training}
 */
public record LineageSample(String trainingSetId) {
  public static final String GROUP = "activity";
  public static final String TRAINING_SET = "churn_training";
  public static final String MODEL = "churn";

  /**
   * @param admin defines the entity and the group and writes the commits
   * @param owner builds the training set and registers the model
   */
  public static LineageSample create(TestRestTemplate admin, TestRestTemplate owner) {
    created(
        JsonPosts.post(admin, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"));
    created(
        JsonPosts.post(
            admin,
            "/api/v1/feature-groups",
            """
            {"name":"activity","entity":"user_id","online":true,"description":"Clicks per user",
             "features":[{"name":"clicks","type":"INT64"}]}
            """));
    commit(admin, "2026-03-01T00:00:00Z", "u1", "u2");
    commit(admin, "2026-03-02T00:00:00Z", "u1", "u3");
    ResponseEntity<String> trainingSet =
        created(
            JsonPosts.post(
                owner,
                "/api/v1/training-sets",
                """
                {"name":"churn_training","features":["activity:clicks"],
                 "spine":{"rows":[{"user_id":"u1","event_time":"2026-03-05T00:00:00Z","label":1},
                                  {"user_id":"u2","event_time":"2026-03-05T00:00:00Z","label":0}]}}
                """));
    String id = JsonPath.read(trainingSet.getBody(), "$.id");
    created(
        JsonPosts.post(
            owner,
            "/api/v1/models",
            "{\"name\":\"churn\",\"version\":\"1\",\"trainingSets\":[\"" + id + "\"]}"));
    return new LineageSample(id);
  }

  private static void commit(TestRestTemplate http, String eventTime, String... keys) {
    StringBuilder rows = new StringBuilder();
    for (String key : keys) {
      rows.append(rows.isEmpty() ? "" : ",")
          .append("{\"user_id\":\"")
          .append(key)
          .append("\",\"event_time\":\"")
          .append(eventTime)
          .append("\",\"clicks\":3}");
    }
    created(
        JsonPosts.post(
            http, "/api/v1/feature-groups/activity/commits", "{\"rows\":[" + rows + "]}"));
  }

  private static ResponseEntity<String> created(ResponseEntity<String> response) {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.CREATED);
    return response;
  }
}
