package dev.featurestore.api.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium and its chromedriver, found on the PATH. Without them the console's
 * tests are skipped with the reason printed, except in CI (CI=true), where a missing browser fails
 * the run: {@code .ci/run} installs both packages.
 */
public final class ConsoleBrowser {
  /** The flags Chromium needs here; without the networking ones it keeps dialling out. */
  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--window-size=1280,900");

  /**
   * How often a test's waits look at the page again. Selenium's default, half a second, was most of
   * the time of a walk through many pages; a page answers well within this.
   */
  public static final Duration POLL = Duration.ofMillis(25);

  private ConsoleBrowser() {}

  /** Why the browser cannot run here, if it cannot. */
  public static Optional<String> missing() {
    Optional<Path> browser = onPath("chromium");
    Optional<Path> driver = onPath("chromedriver");
    if (browser.isPresent() && driver.isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "the console's browser tests need Debian's chromium and chromium-driver packages"
            + " (apt-get install -y chromium chromium-driver); not found: "
            + (browser.isEmpty() ? "chromium " : "")
            + (driver.isEmpty() ? "chromedriver" : ""));
  }

  public static boolean inContinuousIntegration() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** A fresh browser with its own profile folder; its console messages are kept for the test. */
  public static ChromeDriver start(Path profile) throws IOException {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(onPath("chromium").orElseThrow().toFile());
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + Files.createDirectories(profile));
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(onPath("chromedriver").orElseThrow().toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> onPath(String program) {
    String path =
        Optional.ofNullable(System.getenv("PATH")).orElse("") + ":/usr/bin:/usr/local/bin";
    return Stream.of(path.split(":"))
        .filter(folder -> !folder.isEmpty())
        .map(folder -> Path.of(folder, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
