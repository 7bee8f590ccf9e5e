package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The README's tour, run as a newcomer runs it, so that it cannot rot: its shell blocks (between
 * the {@code tour:start} and {@code tour:end} markers), in order, in one bash session with curl,
 * against a server started as on a fresh clone. The block after a shell block shows its answer,
 * which must match: {@code ...} stands for any text, and whitespace is ignored, so the README may
 * wrap long answers. Only the ports differ from the README (8080 and 6566 may be taken here).
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class ReadmeTourIT {
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern TOUR =
      Pattern.compile("<!-- tour:start -->(.*)<!-- tour:end -->", Pattern.DOTALL);
  private static final Pattern FENCED_BLOCK =
      Pattern.compile("^```(\\w*)\\n(.*?)^```\\s*$", Pattern.DOTALL | Pattern.MULTILINE);
  private static final String STEP_DONE = "__tour_step_done__";
  private static final long STEP_TIMEOUT_SECONDS = 120;

  @TempDir Path freshClone;

  /** A shell block and the answer shown after it, if any. */
  record Step(String commands, Optional<String> answer) {}

  @Test
  void theTourWorksVerbatim() throws Exception {
    List<Step> steps = steps(Files.readString(README));
    assertThat(steps).as("steps of the README's tour").hasSizeGreaterThan(10);
    int onlinePort = ChildServer.freePort();
    ChildServer server = ChildServer.startAsOnAFreshClone(freshClone, onlinePort);
    Process bash =
        new ProcessBuilder("bash", "--noprofile", "--norc")
            .directory(freshClone.toFile())
            .redirectErrorStream(true)
            .start();
    BlockingQueue<String> output = linesOf(bash);
    try (Writer input = new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8)) {
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        String commands =
            step.commands()
                .replace("localhost:8080", "localhost:" + server.base().getPort())
                .replace("localhost:6566", "localhost:" + onlinePort);
        input.write(commands + "\nprintf '\\n" + STEP_DONE + "\\n'\n");
        input.flush();
        String answer = answerOf(output, step.commands());
        if (step.answer().isPresent()) {
          assertThat(matches(step.answer().get(), answer))
              .as(
                  "step %d of the tour:%n%s%nanswered:%n%s%nbut the README shows:%n%s",
                  i + 1, step.commands(), answer, step.answer().get())
              .isTrue();
        }
      }
    } finally {
      bash.destroy();
      server.stop();
    }
  }

  /** The tour's shell blocks, each with the non-shell block right after it as its answer. */
  static List<Step> steps(String readme) {
    Matcher tour = TOUR.matcher(readme);
    assertThat(tour.find()).as("README.md marks its tour with <!-- tour:start -->").isTrue();
    Matcher block = FENCED_BLOCK.matcher(tour.group(1));
    List<Step> steps = new ArrayList<>();
    int previousEnd = -1;
    while (block.find()) {
      boolean shell = block.group(1).equals("sh");
      boolean followsShell =
          previousEnd >= 0 && tour.group(1).substring(previousEnd, block.start()).isBlank();
      if (shell) {
        steps.add(new Step(block.group(2), Optional.empty()));
      } else if (followsShell && !steps.isEmpty()) {
        Step last = steps.removeLast();
        steps.add(new Step(last.commands(), Optional.of(block.group(2))));
      }
      previousEnd = shell ? block.end() : -1;
    }
    return steps;
  }

  /** Whether {@code actual} is {@code shown}, "..." standing for any text, whitespace aside. */
  static boolean matches(String shown, String actual) {
    StringBuilder pattern = new StringBuilder();
    String[] parts = withoutWhitespace(shown).split(Pattern.quote("..."), -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        pattern.append(".*?");
      }
      pattern.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(pattern.toString(), Pattern.DOTALL)
        .matcher(withoutWhitespace(actual))
        .matches();
  }

  private static String withoutWhitespace(String text) {
    return text.replaceAll("\\s+", "");
  }

  private static String answerOf(BlockingQueue<String> output, String commands)
      throws InterruptedException {
    StringBuilder answer = new StringBuilder();
    while (true) {
      String line = output.poll(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (line == null) {
        throw new AssertionError(
            "the tour's step did not finish within "
                + STEP_TIMEOUT_SECONDS
                + " s:\n"
                + commands
                + "\noutput so far:\n"
                + answer);
      }
      if (line.equals(STEP_DONE)) {
        return answer.toString();
      }
      answer.append(line).append('\n');
    }
  }

  private static BlockingQueue<String> linesOf(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException closed) {
                // The session ended; the test reports a step that did not finish.
              }
            },
            "tour-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }
}
