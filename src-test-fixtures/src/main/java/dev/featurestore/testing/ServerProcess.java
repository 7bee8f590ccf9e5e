package dev.featurestore.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test server in a process of its own (S3Proxy, Spark Connect): its output in a log in its work
 * folder, awaited until it serves, and stopped, the folder deleted, when the test JVM exits.
 */
final class ServerProcess {
  /** Answers when the server serves; throws {@link IOException} while it does not yet. */
  @FunctionalInterface
  interface Probe {
    void check() throws IOException;
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command}, its output in {@code workFolder}'s {@code log}, and stops it at exit
   * within {@code stopGrace} before killing it.
   */
  static ServerProcess start(
      String name, List<String> command, Path workFolder, String log, Duration stopGrace)
      throws IOException {
    Path logFile = workFolder.resolve(log);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> stop(name, process, workFolder, stopGrace), "stop-test-" + name));
    return new ServerProcess(name, process, logFile);
  }

  /** The operating system's id of the process. */
  long pid() {
    return process.pid();
  }

  /** Polls {@code probe} every {@code pause} until it answers, the process ends or time is up. */
  void awaitServing(Probe probe, Duration timeout, Duration pause) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name
                  + " exited with code "
                  + process.exitValue()
                  + " before serving; its log:\n"
                  + logTail());
        }
        try {
          probe.check();
          return;
        } catch (IOException notYetServing) {
          if (Instant.now().isAfter(deadline)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                name + " did not serve within " + timeout + "; its log:\n" + logTail(),
                notYetServing);
          }
        }
        TimeUnit.MILLISECONDS.sleep(pause.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }

  private String logTail() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static void stop(String name, Process process, Path workFolder, Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Folders.deleteRecursively(workFolder);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // A shutdown hook has no caller to report to; leave a trace of the leftover folder.
      System.err.println("could not delete the " + name + " folder " + workFolder + ": " + e);
    }
  }
}
