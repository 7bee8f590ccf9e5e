import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints the one table of benchmarks/run.sh from its measurements file (run with the JDK's
 * source launcher, so that no other tool is needed). Each line of the file is tab-separated:
 * workload, round, side ({@code ours} or a baseline's name), baseline the line belongs to ({@code
 * *} for ours when every baseline of the round compares with it), seconds, peak RSS in MiB (0 if
 * not measured), 1-minute load average when it was measured. Ratios are ours / baseline of the
 * medians within each round (the sides alternate round by round), then the median and range of
 * those per-round ratios, so a busy moment of the shared machine weighs on one round only.
 */
public final class Summary {
  private record Sample(
      String workload, String round, String side, String baseline, double seconds, long rss, double load) {}

  /** The goals of issue 24, as a time ratio (lower is better) for every workload. */
  private static final Map<String, String> GOALS =
      Map.of(
          "join S warm", "<= 0.5",
          "join S first", "<= 0.8",
          "join M warm", "<= 0.5",
          "join M first", "<= 0.8",
          "server S warm", "<= 0.7",
          "server S first", "<= 1.0",
          "ingest Parquet warm", "<= 1.67 (rate >= 0.6)",
          "ingest Parquet first", "<= 2.0 (rate >= 0.5)",
          "ingest Arrow warm", "<= 1.67 (rate >= 0.6)",
          "ingest Arrow first", "<= 2.0 (rate >= 0.5)");

  public static void main(String[] arguments) throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(arguments[0]))) {
      String[] f = line.split("\t");
      samples.add(
          new Sample(
              f[0], f[1], f[2], f[3], Double.parseDouble(f[4]), Long.parseLong(f[5]), Double.parseDouble(f[6])));
    }
    Set<String> workloads = new LinkedHashSet<>();
    Set<String> baselines = new LinkedHashSet<>();
    for (Sample sample : samples) {
      workloads.add(sample.workload());
      if (!sample.side().equals("ours")) {
        baselines.add(sample.side());
      }
    }
    System.out.println(
        "| workload | baseline | ours s, median (best) | baseline s, median (best) | ours / baseline,"
            + " median of rounds (range) | goal | peak RSS MiB ours / baseline | load average"
            + " (1 min) | rounds |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (String workload : workloads) {
      for (String baseline : baselines) {
        row(samples, workload, baseline);
      }
    }
  }

  private static void row(List<Sample> samples, String workload, String baseline) {
    Map<String, List<Sample>> ours = new LinkedHashMap<>();
    Map<String, List<Sample>> theirs = new LinkedHashMap<>();
    for (Sample sample : samples) {
      if (!sample.workload().equals(workload)) {
        continue;
      }
      if (sample.side().equals(baseline)) {
        theirs.computeIfAbsent(sample.round(), round -> new ArrayList<>()).add(sample);
      } else if (sample.side().equals("ours")
          && (sample.baseline().equals("*") || sample.baseline().equals(baseline))) {
        ours.computeIfAbsent(sample.round(), round -> new ArrayList<>()).add(sample);
      }
    }
    List<Double> ratios = new ArrayList<>();
    List<Sample> oursPaired = new ArrayList<>();
    List<Sample> theirsPaired = new ArrayList<>();
    for (Map.Entry<String, List<Sample>> round : theirs.entrySet()) {
      List<Sample> oursInRound = ours.get(round.getKey());
      if (oursInRound == null) {
        continue;
      }
      ratios.add(median(oursInRound) / median(round.getValue()));
      oursPaired.addAll(oursInRound);
      theirsPaired.addAll(round.getValue());
    }
    if (ratios.isEmpty()) {
      return;
    }
    List<Sample> all = new ArrayList<>(oursPaired);
    all.addAll(theirsPaired);
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %.2f (%.2f) | %.2f (%.2f) | **%.2f** (%.2f–%.2f) | %s | %s / %s | %.1f–%.1f | %d |%n",
        workload,
        baseline,
        median(oursPaired),
        best(oursPaired),
        median(theirsPaired),
        best(theirsPaired),
        medianOf(ratios),
        ratios.stream().min(Double::compare).orElseThrow(),
        ratios.stream().max(Double::compare).orElseThrow(),
        GOALS.getOrDefault(workload, ""),
        peakRss(oursPaired),
        peakRss(theirsPaired),
        all.stream().mapToDouble(Sample::load).min().orElseThrow(),
        all.stream().mapToDouble(Sample::load).max().orElseThrow(),
        ratios.size());
  }

  private static String peakRss(List<Sample> samples) {
    long peak = samples.stream().mapToLong(Sample::rss).max().orElse(0);
    return peak == 0 ? "n/a" : String.format(Locale.ROOT, "%,d", peak);
  }

  private static double best(List<Sample> samples) {
    return samples.stream().mapToDouble(Sample::seconds).min().orElseThrow();
  }

  private static double median(List<Sample> samples) {
    return medianOf(samples.stream().map(Sample::seconds).toList());
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
