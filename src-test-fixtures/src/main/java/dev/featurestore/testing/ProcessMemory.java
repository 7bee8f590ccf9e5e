package dev.featurestore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What benchmarks report of a process's memory, from Linux's /proc. */
public final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * The peak resident set ({@code VmHWM}, e.g. {@code "123456 kB"}) of the process {@code pid}, or
   * of this one for {@code "self"}: it counts native memory (DuckDB's, Arrow's) as well as the
   * heap.
   */
  public static String peakResidentSet(String pid) throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc", pid, "status"))) {
      return lines
          .filter(line -> line.startsWith("VmHWM:"))
          .map(line -> line.substring("VmHWM:".length()).trim())
          .findFirst()
          .orElse("unknown");
    }
  }
}
