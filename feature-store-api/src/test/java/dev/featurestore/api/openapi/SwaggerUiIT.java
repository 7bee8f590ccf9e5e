package dev.featurestore.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.console.ConsoleBrowser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Swagger UI as a newcomer uses it, in a real headless Chromium: authorise with an API key, then
 * *Try it out* on every operation of the document, in the order of the examples' story ({@link
 * ApiExamples}), pasting only the ids earlier answers gave. Each call must answer a success code
 * the document names for it, so the security scheme, the examples and the operations work from the
 * browser, not only from curl.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {TestApiKeys.ADMIN_KEY_PROPERTY, "feature-store.online-port=0"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwaggerUiIT {
  /**
   * Operations the browser cannot try here, with why. The online listener's health is served on
   * another port than the page's, which the document names by a server variable.
   */
  private static final Map<String, String> NOT_TRIED =
      Map.of("onlineListenerHealth", "served by the online listener's port only");

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("swagger-ui-it"));
  }

  @LocalServerPort int port;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private Object document;
  private final Set<String> tried = new LinkedHashSet<>();

  @BeforeAll
  void openSwaggerUi(@TempDir Path profile) throws IOException, InterruptedException {
    ConsoleBrowser.missing()
        .ifPresent(
            missing -> {
              if (ConsoleBrowser.inContinuousIntegration()) {
                fail("CI=true and " + missing);
              }
              Assumptions.abort(missing);
            });
    String served =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v3/api-docs"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    document =
        com.jayway.jsonpath.Configuration.defaultConfiguration().jsonProvider().parse(served);
    browser = ConsoleBrowser.start(profile.resolve("chromium-profile"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(30), ConsoleBrowser.POLL);
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void everyOperationWorksFromSwaggerUiWithTheDocumentsExamples() {
    browser.get("http://localhost:" + port + "/swagger-ui.html");
    authorize(TestApiKeys.ADMIN_KEY);

    String issuedKeyId = tryOut("issueApiKey", Map.of(), "$.id");
    tryOut("currentApiKey");
    tryOut("listApiKeys");
    tryOut("createEntity");
    tryOut("describeEntity");
    tryOut("getEntity");
    tryOut("listEntities");
    tryOut("createFeatureGroup");
    tryOut("changeFeatureGroup");
    tryOut("commitRows");
    tryOut("commitRows"); // a second file, so that compaction has work
    tryOut("getFeatureGroup");
    tryOut("listFeatureGroups");
    tryOut("compactFeatureGroup");
    tryOut("listCommits");
    tryOut("search");
    tryOut("getFeatureGroupStatistics");
    tryOut("previewFeatureGroup");
    String trainingSetId = tryOut("createTrainingSet", Map.of(), "$.id");
    String uploadId = tryOut("uploadSpine", Map.of(), "$.id");
    tryOut("getUpload", Map.of("id", uploadId));
    String jobId =
        tryOut(
            "createTrainingSet",
            Map.of(
                "body",
                "{\"name\":\"from_upload\",\"spine\":{\"upload\":\""
                    + uploadId
                    + "\"},\"features\":[\"user_activity:clicks_7d\"]}"),
            "$.jobId");
    // The upload's example is a spine the group's features join to, not a commit's rows.
    assertThat(tryOut("getJob", Map.of("id", jobId), "$.status")).isNotEqualTo("FAILED");
    tryOut("cancelJob", Map.of("id", jobId));
    tryOut("getTrainingSet", Map.of("id", trainingSetId));
    tryOut("downloadTrainingSet", Map.of("id", trainingSetId));
    tryOut("listTrainingSets");
    tryOut(
        "registerModel",
        Map.of(
            "body",
            "{\"name\":\"churn\",\"version\":\"1\",\"trainingSets\":[\"" + trainingSetId + "\"]}"));
    tryOut("getModel");
    tryOut("listModels");
    tryOut("modelLineage");
    tryOut("featureGroupLineage");
    tryOut("keyLineage");
    tryOut("listOnlineIndexes");
    tryOut("getOnlineFeatures");
    tryOut("getOnlineFeatures_1");
    tryOut("previewErasure");
    String erasureId = tryOut("eraseKeys", Map.of(), "$.id");
    tryOut("getErasure", Map.of("id", erasureId));
    tryOut("findAuditEntries");
    tryOut("subjectAccess");
    tryOut("liftTombstone"); // u1 comes back: the erasure laid its tombstone when it was asked
    String grantId = tryOut("createGrant", Map.of(), "$.id");
    tryOut("listGrants");
    tryOut("revokeGrant", Map.of("id", grantId));
    tryOut("archiveFeatureGroup");
    tryOut("unarchiveFeatureGroup");
    String deletionId = tryOut("deleteFeatureGroup", Map.of("force", "true"), "$.id");
    tryOut("getFeatureGroupDeletion", Map.of("id", deletionId));
    tryOut("revokeApiKey", Map.of("id", issuedKeyId));

    Set<String> untried = new TreeSet<>(operationIds());
    untried.removeAll(tried);
    untried.removeAll(NOT_TRIED.keySet());
    assertThat(untried).as("operations of the document no step tries").isEmpty();
  }

  private void authorize(String key) {
    click(wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.authorize"))));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-bearer-value")))
        .sendKeys(key);
    click(browser.findElement(By.cssSelector(".modal-ux button.modal-btn.auth.authorize")));
    click(browser.findElement(By.cssSelector(".modal-ux button.btn-done")));
  }

  private void tryOut(String operationId) {
    tryOut(operationId, Map.of());
  }

  private void tryOut(String operationId, Map<String, String> inputs) {
    tryOut(operationId, inputs, "$");
  }

  /**
   * Opens the operation, clicks *Try it out*, types {@code inputs} (parameters by name, {@code
   * body} for the request body) over the examples, executes, checks the answer's status is one of
   * the document's success codes and returns the answer's value at {@code jsonPath}.
   */
  private String tryOut(String operationId, Map<String, String> inputs, String jsonPath) {
    WebElement operation =
        browser.findElement(By.cssSelector("[id^='operations-'][id$='-" + operationId + "']"));
    click(operation.findElement(By.cssSelector(".opblock-summary-control")));
    WebElement tryItOut = within(operation, "button.try-out__btn");
    if (!tryItOut.getText().contains("Cancel")) { // tried before: still in try-out mode
      click(tryItOut);
    }
    operation.findElements(By.cssSelector("button.btn-clear")).forEach(this::click);
    Map<String, String> values = new HashMap<>(inputs);
    String body = values.remove("body");
    values.forEach(
        (name, value) -> {
          WebElement field =
              within(
                  operation,
                  "tr[data-param-name='"
                      + name
                      + "'] input, tr[data-param-name='"
                      + name
                      + "'] select");
          if (field.getTagName().equals("select")) {
            new Select(field).selectByVisibleText(value);
          } else {
            field.clear();
            // Swagger UI takes a parameter's value when its field loses focus.
            field.sendKeys(value + Keys.TAB);
          }
        });
    if (body != null) {
      WebElement text = within(operation, "textarea.body-param__text");
      text.clear();
      text.sendKeys(body);
    }
    click(within(operation, "button.execute"));
    String status =
        within(operation, ".live-responses-table tr.response .response-col_status").getText();
    String answer =
        operation
            .findElements(By.cssSelector(".live-responses-table .response-col_description pre"))
            .stream()
            .findFirst()
            .map(WebElement::getText)
            .orElse("");
    assertThat(status.trim())
        .as("%s answered %s", operationId, answer)
        .isIn(successCodes(operationId));
    tried.add(operationId);
    click(operation.findElement(By.cssSelector(".opblock-summary-control")));
    return jsonPath.equals("$") ? answer : JsonPath.read(answer, jsonPath).toString();
  }

  private WebElement within(WebElement operation, String css) {
    return wait.until(
        ignored -> {
          List<WebElement> found = operation.findElements(By.cssSelector(css));
          return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
        });
  }

  private void click(WebElement element) {
    browser.executeScript(
        "arguments[0].scrollIntoView({block:'center'}); arguments[0].click()", element);
  }

  /** The 2xx codes the document gives the operation. */
  private List<String> successCodes(String operationId) {
    List<Map<String, Object>> responses =
        JsonPath.read(document, "$.paths.*.*[?(@.operationId == '" + operationId + "')].responses");
    assertThat(responses).as("%s is in the document", operationId).hasSize(1);
    return responses.getFirst().keySet().stream().filter(code -> code.startsWith("2")).toList();
  }

  private Set<String> operationIds() {
    return new TreeSet<>(JsonPath.<List<String>>read(document, "$.paths.*.*.operationId"));
  }
}
