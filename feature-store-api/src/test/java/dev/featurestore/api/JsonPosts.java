package dev.featurestore.api;

import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** The full-stack tests' JSON POST, answered whatever its status. */
public final class JsonPosts {
  private JsonPosts() {}

  public static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(path, HttpMethod.POST, new HttpEntity<>(json, headers), String.class);
  }

  /** Defines the entity {@code user_id} (STRING keys) and a group of it with one INT64 feature. */
  public static void defineClicksGroup(TestRestTemplate http, String group) {
    post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\""
            + group
            + "\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}");
  }
}
