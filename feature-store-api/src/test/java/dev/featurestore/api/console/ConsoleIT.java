package dev.featurestore.api.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.LineageSample;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.audit.AuditAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
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
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium, as its users meet it: compliance follows a key's lineage
 * to an erasure and its receipt; a data scientist sees only their own training sets and no erasure
 * form; a wrong key is refused; a deep link opens after sign-in. Every page is checked by axe-core
 * (serious or critical violations fail), must leave no error in the browser's console, and is saved
 * as a screenshot in target/console-screenshots (docs/console.md shows them).
 *
 * <p>One server and one browser serve all the tests; each test signs in afresh.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final double SCREENSHOT_MAX_HEIGHT = 1800;
  private static final List<String> FAILING_IMPACTS = List.of("serious", "critical");

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("console-it"));
  }

  @LocalServerPort int port;
  @Autowired TestRestTemplate anonymous;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private String complianceKey;
  private String scientistKey;

  @BeforeAll
  void startBrowser(@TempDir Path profile) throws IOException {
    Optional<String> missing = ConsoleBrowser.missing();
    if (missing.isPresent()) {
      if (ConsoleBrowser.inContinuousIntegration()) {
        fail("CI=true and " + missing.get());
      }
      System.out.println("ConsoleIT skipped: " + missing.get());
      Assumptions.abort(missing.get());
    }
    TestRestTemplate admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    complianceKey = issue(admin, "Casey from compliance", "COMPLIANCE");
    scientistKey = issue(admin, "Dana the data scientist", "DATA_SCIENTIST");
    LineageSample.create(admin, TestApiKeys.as(anonymous, scientistKey));
    JsonPosts.post(
        TestApiKeys.as(anonymous, issue(admin, "another data scientist", "DATA_SCIENTIST")),
        "/api/v1/training-sets",
        """
        {"name":"someone_elses_set","features":["activity:clicks"],
         "spine":{"rows":[{"user_id":"u2","event_time":"2026-03-05T00:00:00Z"}]}}
        """);
    Files.createDirectories(SCREENSHOTS);
    browser = ConsoleBrowser.start(profile.resolve("chromium-profile"));
    wait = new WebDriverWait(browser, Duration.ofSeconds(15), ConsoleBrowser.POLL);
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void complianceFollowsAKeysLineageToAnErasureReceipt() {
    openSignedOut("/console/");
    signIn(complianceKey);
    awaitHeading("Catalog");
    assertThat(text("main")).contains("activity", "clicks", "INT64", "Clicks per user");
    checkPage("catalog");

    browser.findElement(By.id("catalog-search")).sendKeys("clicks", Keys.ENTER);
    WebElement bestMatches =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.xpath("//caption[starts-with(.,'Best matches')]/..")));
    assertThat(bestMatches.getText()).contains("feature group", "activity", "Clicks per user");
    checkPage("catalog-search");
    browser.findElement(By.id("catalog-search")).clear();

    browser.findElement(By.linkText("Lineage")).click();
    awaitHeading("Lineage explorer");
    new Select(browser.findElement(By.id("lineage-entity"))).selectByValue("user_id");
    browser.findElement(By.id("lineage-key")).sendKeys("u1", Keys.ENTER);
    awaitHeading("Lineage of user_id u1");
    assertThat(browser.getCurrentUrl()).endsWith("/console/lineage/user_id/u1");
    WebElement graph = browser.findElement(By.cssSelector(".graph"));
    assertThat(graph.getText()).contains("activity", "churn_training", "churn version 1");
    checkPage("lineage");

    graph.findElement(By.linkText("churn version 1")).click();
    awaitHeading("Model churn version 1");
    assertThat(text("main")).contains("churn_training", "activity");
    checkPage("model");
    browser.navigate().back();
    awaitHeading("Lineage of user_id u1");

    browser.findElement(By.linkText("Erase this key…")).click();
    awaitHeading("Erase keys");
    assertThat(browser.findElement(By.id("erasure-keys")).getAttribute("value")).isEqualTo("u1");
    browser.findElement(By.id("erasure-reason")).sendKeys("Request 42 from the data subject");
    browser.findElement(By.xpath("//button[.='Review erasure']")).click();
    WebElement confirmation =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".confirmation")));
    assertThat(confirmation.findElement(By.tagName("h2")).getText())
        .isEqualTo("Confirm: erase 1 key of user_id");
    assertThat(confirmation.getText())
        .contains("Feature groups whose files will be rewritten", "activity", "#1, #2")
        .contains("Training sets whose outputs will be rewritten", "churn_training")
        .contains("Models that must be retrained", "churn");
    checkPage("erasure-confirmation");

    confirmation.findElement(By.xpath(".//button[.='Erase 1 key']")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[.='Print receipt']")));
    awaitHeading("Erasure receipt");
    String receiptUrl = browser.getCurrentUrl();
    assertThat(receiptUrl).matches(".*/console/erasures/[0-9a-f-]{36}");
    String receipt = text("main");
    assertThat(receipt)
        .contains("SUCCEEDED", "Request 42 from the data subject")
        .containsPattern("Files rewritten\n[1-9]")
        .containsPattern("Rows removed\n[1-9]")
        .containsPattern("Iceberg snapshots expired\n0")
        .contains("Training sets affected", "churn_training")
        .contains("Models to retrain", "churn")
        .doesNotContain("null");
    checkPage("erasure-receipt");

    browser.findElement(By.linkText("Audit log")).click();
    awaitHeading("Audit log");
    WebElement unfiltered = browser.findElement(By.cssSelector("main table"));
    Select actions = new Select(browser.findElement(By.id("audit-action")));
    assertThat(actions.getOptions().stream().map(option -> option.getAttribute("value")))
        .as("the filter's actions")
        .containsExactlyInAnyOrder(
            Stream.concat(Stream.of(""), Arrays.stream(AuditAction.values()).map(Enum::name))
                .toArray(String[]::new));
    actions.selectByValue("ERASE");
    browser.findElement(By.xpath("//button[.='Filter']")).click();
    wait.until(ExpectedConditions.stalenessOf(unfiltered));
    assertThat(browser.getCurrentUrl()).contains("/console/audit?action=ERASE");
    List<WebElement> rows = browser.findElements(By.cssSelector("main tbody tr"));
    assertThat(rows)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.getText())
                  .contains("ERASE", "Casey from compliance", "user_id: 1 key (")
                  .as("the key in clear")
                  .doesNotContain("u1");
              assertThat(row.findElement(By.tagName("a")).getAttribute("href"))
                  .isEqualTo(receiptUrl);
            });
    assertThat(browser.findElement(By.xpath("//button[.='Export CSV']")).isEnabled()).isTrue();
    checkPage("audit");
  }

  @Test
  void dataScientistSeesOnlyOwnTrainingSetsAndNoErasureForm() {
    openSignedOut("/console/training-sets");
    signIn(scientistKey);
    awaitHeading("Training sets");
    assertThat(browser.findElements(By.cssSelector("nav a")))
        .extracting(WebElement::getText)
        .containsExactly("Catalog", "Training sets");
    assertThat(text("main")).contains("Your training sets", "churn_training");
    assertThat(text("main")).doesNotContain("someone_elses_set");
    checkPage("training-sets");

    browser.findElement(By.linkText("churn_training")).click();
    awaitHeading("Training set churn_training");
    assertThat(text("main"))
        .contains("READY", "activity:clicks", "Download CSV", "churn")
        .contains("Purpose\nnone declared", "Retention\nkept for ever");
    checkPage("training-set");

    browser.get(url("/console/erasures"));
    awaitHeading("Not available");
    assertThat(browser.findElements(By.id("erasure-keys"))).isEmpty();
    checkPage("erasure-not-available");
  }

  @Test
  void wrongKeyIsRefused() {
    openSignedOut("/console/");
    checkPage("sign-in");
    signIn("not-a-key-of-this-server");

    WebElement refusal =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=alert]")));
    assertThat(refusal.getText()).isEqualTo("This API key was refused: it is unknown or revoked.");
    assertThat(browser.findElements(By.cssSelector("nav a"))).isEmpty();
    assertThat(browser.executeScript("return sessionStorage.getItem('feature-store.api-key')"))
        .isNull();
    // The refused call is the one message the browser logs: the 401 of GET /api-keys/current.
    assertThat(browserErrors())
        .singleElement()
        .satisfies(message -> assertThat(message).contains("api-keys/current", "401"));
    checkPage("sign-in-refused");
  }

  @Test
  void deepLinkOpensAfterSignIn() {
    openSignedOut("/console/feature-groups/activity");
    awaitHeading("Sign in");
    signIn(complianceKey);

    awaitHeading("Feature group activity");
    assertThat(browser.getCurrentUrl()).endsWith("/console/feature-groups/activity");
    assertThat(text("main"))
        .contains("Schema", "clicks", "INT64", "Commit timeline", "Training sets that read this")
        .contains("Statistics of version", "Distinct (estimate)", "≈ ");
    assertThat(
            browser.findElements(
                By.xpath("//caption[starts-with(.,'Commit timeline')]/../tbody/tr")))
        .hasSizeGreaterThanOrEqualTo(2);
    checkPage("feature-group");
  }

  @Test
  void adminArchivesAndDeletesAGroupPastItsDependentsAndManagesGrants() {
    TestRestTemplate admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    JsonPosts.post(
        admin,
        "/api/v1/feature-groups",
        """
        {"name":"sessions","entity":"user_id","features":[{"name":"minutes","type":"INT64"}]}
        """);
    JsonPosts.post(
        admin,
        "/api/v1/feature-groups/sessions/commits",
        """
        {"rows":[{"user_id":"u9","event_time":"2026-03-01T00:00:00Z","minutes":5}]}
        """);
    JsonPosts.post(
        admin,
        "/api/v1/training-sets",
        """
        {"name":"sessions_set","features":["sessions:minutes"],
         "spine":{"rows":[{"user_id":"u9","event_time":"2026-03-05T00:00:00Z"}]}}
        """);
    openSignedOut("/console/feature-groups/sessions");
    signIn(TestApiKeys.ADMIN_KEY);
    awaitHeading("Feature group sessions");

    button("Archive").click();
    button("Unarchive");
    assertThat(text("main")).contains("Archived", "takes no commits");
    checkPage("feature-group-archived");
    button("Unarchive").click();
    button("Archive");

    button("Delete feature group").click();
    WebElement refusal =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".confirmation")));
    assertThat(refusal.getText())
        .contains("Deletion refused: others depend on this group", "sessions_set");
    assertThat(browserErrors())
        .singleElement()
        .satisfies(message -> assertThat(message).contains("feature-groups/sessions", "409"));
    checkPage("feature-group-deletion-refused");
    button("Delete sessions anyway").click();
    button("Print receipt");
    awaitHeading("Deletion receipt of sessions");
    assertThat(browser.getCurrentUrl()).matches(".*/console/feature-group-deletions/[0-9a-f-]{36}");
    assertThat(text("main"))
        .contains("SUCCEEDED", "deleted anyway", "Training sets to rebuild", "sessions_set")
        .containsPattern("Objects deleted\n[1-9]");
    checkPage("feature-group-deletion-receipt");

    browser.findElement(By.linkText("Grants")).click();
    awaitHeading("Grants");
    new Select(browser.findElement(By.id("grant-role"))).selectByValue("DATA_SCIENTIST");
    browser.findElement(By.id("grant-classes-pii")).click();
    browser.findElement(By.id("grant-scopes-offline")).click();
    button("Add grant").click();
    WebElement revoke = button("Revoke grant to role DATA_SCIENTIST");
    assertThat(text("main table")).contains("role DATA_SCIENTIST", "PII", "offline");
    checkPage("grants");
    revoke.click();
    wait.until(ExpectedConditions.stalenessOf(revoke));
    assertThat(text("main")).contains("no grants");
  }

  /** Waits until the button labelled {@code label} can be clicked. */
  private WebElement button(String label) {
    return wait.until(
        ExpectedConditions.elementToBeClickable(By.xpath("//button[.='" + label + "']")));
  }

  /**
   * Opens the page with no key in the session, as a new visitor (or a shared link) would: signs out
   * first if an earlier test left a key in this browser's session.
   */
  private void openSignedOut(String path) {
    browser.get(url(path));
    By signOut = By.xpath("//button[.='Sign out']");
    By signInHeading = By.xpath("//main//h1[.='Sign in']");
    wait.until(
        ExpectedConditions.or(
            ExpectedConditions.elementToBeClickable(signOut),
            ExpectedConditions.presenceOfElementLocated(signInHeading)));
    browser.findElements(signOut).forEach(WebElement::click);
    awaitHeading("Sign in");
  }

  /** Types the key into the field labelled "API key" and submits with the keyboard. */
  private void signIn(String key) {
    WebElement label = browser.findElement(By.xpath("//label[.='API key']"));
    browser.findElement(By.id(label.getAttribute("for"))).sendKeys(key, Keys.ENTER);
  }

  private void awaitHeading(String heading) {
    wait.until(ExpectedConditions.textToBe(By.cssSelector("main h1"), heading));
  }

  private String text(String selector) {
    return browser.findElement(By.cssSelector(selector)).getText();
  }

  /**
   * Saves the page's screenshot, then fails on serious accessibility violations and on errors in
   * the browser's console.
   */
  private void checkPage(String name) {
    saveScreenshot(name);
    Results accessibility = new AxeBuilder().analyze(browser);
    List<String> serious =
        accessibility.getViolations().stream()
            .filter(rule -> FAILING_IMPACTS.contains(rule.getImpact()))
            .map(ConsoleIT::describe)
            .toList();
    assertThat(serious).as("serious accessibility violations on " + name).isEmpty();
    assertThat(browserErrors()).as("browser console on " + name).isEmpty();
  }

  /** The whole page, not only the window, up to {@link #SCREENSHOT_MAX_HEIGHT} pixels. */
  @SuppressWarnings("unchecked")
  private void saveScreenshot(String name) {
    Map<String, Object> content =
        (Map<String, Object>)
            browser.executeCdpCommand("Page.getLayoutMetrics", Map.of()).get("cssContentSize");
    double height = Math.min(((Number) content.get("height")).doubleValue(), SCREENSHOT_MAX_HEIGHT);
    Map<String, Object> clip =
        Map.of("x", 0, "y", 0, "width", content.get("width"), "height", height, "scale", 1);
    String png =
        (String)
            browser
                .executeCdpCommand(
                    "Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip))
                .get("data");
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode(png));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The errors the browser's console received since the last look. */
  private List<String> browserErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  private static String describe(Rule rule) {
    return rule.getId()
        + " ("
        + rule.getImpact()
        + "): "
        + rule.getHelp()
        + " at "
        + rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).toList();
  }

  private String url(String path) {
    return "http://localhost:" + port + path;
  }

  private static String issue(TestRestTemplate admin, String name, String role) {
    String issued =
        JsonPosts.post(
                admin, "/api/v1/api-keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
            .getBody();
    return JsonPath.read(issued, "$.key");
  }
}
