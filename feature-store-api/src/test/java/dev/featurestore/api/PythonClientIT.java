package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The Python client ({@code clients/python}) against a real server: its pytest suite, the churn
 * notebook included, runs in a virtual environment under {@code target/} against one server started
 * for it (embedded Postgres, a fresh data folder). Without python3 or the wheels the test fails in
 * CI and is skipped, saying why, elsewhere.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class PythonClientIT {
  private static final Path CLIENT =
      Path.of("..", "clients", "python").toAbsolutePath().normalize();
  private static final Path VENV = Path.of("target", "python-venv").toAbsolutePath();
  private static final Path LOG = Path.of("target", "python-client-tests.log").toAbsolutePath();
  private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
  private static final Duration PYTEST_LIMIT = Duration.ofMinutes(10);
  private static final Pattern PYTHON_VERSION = Pattern.compile("Python 3\\.(\\d+)");

  @TempDir Path folder;

  @Test
  void clientTestsAndTheChurnNotebookPassAgainstARealServer() throws Exception {
    Path python = virtualEnvironmentWithTheClient();
    ChildServer server =
        ChildServer.start(
            TestCatalogs.sharedPostgres().createDatabase(),
            folder.resolve("data"),
            Duration.ofHours(1));
    try {
      int exit =
          run(
              List.of(
                  python.toString(),
                  "-m",
                  "pytest",
                  "-p",
                  "no:cacheprovider",
                  "-rfE",
                  CLIENT.resolve("tests").toString()),
              Map.of(
                  "FEATURE_STORE_URL",
                  server.base().toString(),
                  "FEATURE_STORE_API_KEY",
                  TestApiKeys.ADMIN_KEY,
                  "FEATURE_STORE_EXECUTED_NOTEBOOK",
                  Path.of("target", "churn.ipynb").toAbsolutePath().toString()),
              PYTEST_LIMIT);
      assertThat(exit).as("pytest failed; its output:\n%s", logTail()).isZero();
    } finally {
      server.stop();
    }
  }

  /** The venv's python, with the client and its test dependencies installed from this checkout. */
  private Path virtualEnvironmentWithTheClient() throws IOException, InterruptedException {
    Path python = VENV.resolve("bin").resolve("python");
    if (!Files.isExecutable(python)) {
      requirePython3();
      if (run(List.of("python3", "-m", "venv", VENV.toString()), Map.of(), INSTALL_LIMIT) != 0) {
        unavailable("python3 -m venv failed (is the venv module installed?):\n" + logTail());
      }
    }
    List<String> pip = new ArrayList<>(List.of(python.toString(), "-m", "pip", "install"));
    pip.addAll(localIndexArguments(python));
    List<String> dependencies = new ArrayList<>(pip);
    dependencies.add(CLIENT + "[test]");
    if (run(dependencies, Map.of(), INSTALL_LIMIT) != 0) {
      unavailable("pip could not install the client's dependencies:\n" + logTail());
    }
    // The same version number would otherwise keep an earlier build of the client.
    List<String> client = new ArrayList<>(pip);
    client.addAll(List.of("--no-deps", "--force-reinstall", CLIENT.toString()));
    assertThat(run(client, Map.of(), INSTALL_LIMIT))
        .as("installing the client:\n%s", logTail())
        .isZero();
    return python;
  }

  private void requirePython3() throws IOException, InterruptedException {
    try {
      run(List.of("python3", "--version"), Map.of(), Duration.ofSeconds(30));
    } catch (IOException e) {
      unavailable("python3 is not on the PATH: " + e.getMessage());
    }
    Matcher version = PYTHON_VERSION.matcher(logTail());
    if (!version.find() || Integer.parseInt(version.group(1)) < 10) {
      unavailable("the client needs Python 3.10 or newer; python3 says: " + logTail());
    }
  }

  /**
   * No retries, and the machine's local package index (pip's configured {@code file:} index) in
   * place of the public one, so that an unreachable public index costs no waiting.
   */
  private List<String> localIndexArguments(Path python) throws IOException, InterruptedException {
    List<String> arguments =
        new ArrayList<>(
            List.of("--retries", "0", "--timeout", "15", "--disable-pip-version-check"));
    run(List.of(python.toString(), "-m", "pip", "config", "list"), Map.of(), Duration.ofMinutes(1));
    Matcher localIndex = Pattern.compile("index-url='(file:[^ ']+)").matcher(logTail());
    if (localIndex.find()) {
      arguments.addAll(List.of("--index-url", localIndex.group(1)));
    }
    return arguments;
  }

  /** Runs a command with its output in {@link #LOG}; its exit code. */
  private static int run(List<String> command, Map<String, String> environment, Duration limit)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(CLIENT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(LOG.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    builder.environment().put("PIP_NO_INPUT", "1");
    Process process = builder.start();
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      fail("%s did not finish within %s; its output:%n%s", command, limit, logTail());
    }
    return process.exitValue();
  }

  private static String logTail() throws IOException {
    List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 120), lines.size()));
  }

  /** In CI a missing Python fails the build; elsewhere the test is skipped with the reason. */
  private static void unavailable(String reason) {
    if ("true".equals(System.getenv("CI"))) {
      fail(reason);
    }
    System.err.println("PythonClientIT skipped: " + reason);
    Assumptions.abort(reason);
  }
}
