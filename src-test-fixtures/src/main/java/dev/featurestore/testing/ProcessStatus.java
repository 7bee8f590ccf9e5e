package dev.featurestore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What benchmarks report of a process's memory and CPU, from Linux's /proc. */
public final class ProcessStatus {
  /** {@code USER_HZ}, the unit of /proc's CPU times: 100 on every Linux platform we run on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  private ProcessStatus() {}

  /**
   * The CPU time (user and system, in seconds) the process {@code pid} (or this one, {@code
   * "self"}) has used: unlike wall time, hardly changed by other processes sharing the CPUs.
   */
  public static double cpuSeconds(String pid) throws IOException {
    return cpuSecondsOf(Files.readString(Path.of("/proc", pid, "stat")));
  }

  /** One thread's name and CPU time (user and system, in seconds) so far. */
  public record ThreadCpu(String name, double cpuSeconds) {}

  /**
   * The CPU time of each thread of the process {@code pid} so far: where a process's CPU goes (the
   * JIT compilers, the collector, the application). A thread that has ended is no longer listed.
   */
  public static List<ThreadCpu> threadCpuSeconds(String pid) throws IOException {
    List<ThreadCpu> threads = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task"))) {
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException threadEnded) {
          continue;
        }
        threads.add(
            new ThreadCpu(
                stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuSecondsOf(stat)));
      }
    }
    return threads;
  }

  /** The user and system time of a {@code /proc/.../stat} line. */
  private static double cpuSecondsOf(String stat) {
    // Fields after the command name (in parentheses, which may hold spaces): utime is the 12th.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  /**
   * The peak resident set ({@code VmHWM}, e.g. {@code "123456 kB"}) of the process {@code pid}, or
   * of this one for {@code "self"}: it counts native memory (DuckDB's, Arrow's) as well as the
   * heap.
   */
  public static String peakResidentSet(String pid) throws IOException {
    return peakResidentBytes(pid) / 1024 + " kB";
  }

  /** {@link #peakResidentSet} in bytes. */
  public static long peakResidentBytes(String pid) throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc", pid, "status"))) {
      return lines
          .filter(line -> line.startsWith("VmHWM:"))
          .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no VmHWM in /proc/" + pid + "/status"));
    }
  }
}
