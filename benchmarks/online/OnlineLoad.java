import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP/1.1 load generator with coordinated-omission correction (wrk2's method):
 * each connection sends on a fixed schedule, and a request's latency counts from when it was
 * scheduled, not from when a late connection got round to sending it. With rate 0 it runs closed
 * loop (as fast as the server answers) to find the saturation throughput.
 *
 * <p>Usage: java OnlineLoad.java <port> <GET|POST> <path> <bodies file or -> <rate/s> <seconds>
 * <warm-up seconds> <connections>. The bodies file holds one request body per line; requests cycle
 * through them. The environment variable AUTHORIZATION, when set, is sent as the Authorization
 * header (e.g. "Bearer <api key>").
 */
public class OnlineLoad {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String method = args[1];
    String path = args[2];
    List<byte[]> requests = new ArrayList<>();
    List<String> bodies =
        args[3].equals("-") ? List.of("") : Files.readAllLines(Path.of(args[3]));
    String authorization = System.getenv("AUTHORIZATION");
    for (String body : bodies) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: localhost\r\n"
              + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
              + (method.equals("POST")
                  ? "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n"
                  : "")
              + "\r\n";
      byte[] request = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), head.length() + bytes.length);
      System.arraycopy(bytes, 0, request, head.length(), bytes.length);
      requests.add(request);
    }
    double rate = Double.parseDouble(args[4]);
    long durationNanos = (long) (Double.parseDouble(args[5]) * 1e9);
    long warmupNanos = (long) (Double.parseDouble(args[6]) * 1e9);
    int connections = Integer.parseInt(args[7]);

    long start = System.nanoTime() + 200_000_000L;
    long measureFrom = start + warmupNanos;
    long end = measureFrom + durationNanos;
    Worker[] workers = new Worker[connections];
    for (int c = 0; c < connections; c++) {
      long interval = rate > 0 ? (long) (connections * 1e9 / rate) : 0;
      long offset = rate > 0 ? (long) (c * 1e9 / rate) : 0;
      workers[c] = new Worker(port, requests, c, start + offset, interval, measureFrom, end);
      workers[c].start();
    }
    long count = 0;
    long errors = 0;
    long responseBytes = 0;
    List<long[]> all = new ArrayList<>();
    for (Worker worker : workers) {
      worker.join();
      if (worker.failure != null) {
        throw worker.failure;
      }
      count += worker.count;
      errors += worker.errors;
      responseBytes = Math.max(responseBytes, worker.lastResponseBytes);
      all.add(Arrays.copyOf(worker.latencies, worker.count));
    }
    long[] latencies = new long[(int) count];
    int position = 0;
    for (long[] part : all) {
      System.arraycopy(part, 0, latencies, position, part.length);
      position += part.length;
    }
    Arrays.sort(latencies);
    System.out.printf(
        "%s %s rate=%s conns=%d requests=%d achieved=%.0f/s non2xx=%d response=%dB"
            + " p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms%n",
        method,
        path,
        rate > 0 ? String.format("%.0f/s", rate) : "closed-loop",
        connections,
        count,
        count / (durationNanos / 1e9),
        errors,
        responseBytes,
        percentile(latencies, 0.50),
        percentile(latencies, 0.90),
        percentile(latencies, 0.99),
        percentile(latencies, 0.999),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  static final class Worker extends Thread {
    private final int port;
    private final List<byte[]> requests;
    private final int first;
    private final long firstIntended;
    private final long interval;
    private final long measureFrom;
    private final long end;
    long[] latencies = new long[1 << 16];
    int count;
    long errors;
    long lastResponseBytes;
    Exception failure;

    Worker(
        int port,
        List<byte[]> requests,
        int first,
        long firstIntended,
        long interval,
        long measureFrom,
        long end) {
      this.port = port;
      this.requests = requests;
      this.first = first;
      this.firstIntended = firstIntended;
      this.interval = interval;
      this.measureFrom = measureFrom;
      this.end = end;
      setDaemon(true);
    }

    private Socket socket;
    private OutputStream out;
    private InputStream in;

    /** Servers may close a kept-alive connection (Tomcat after 100 requests): open another. */
    private void connect() throws IOException {
      if (socket != null) {
        socket.close();
      }
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    @Override
    public void run() {
      try {
        connect();
        long intended = firstIntended;
        int next = first;
        while (true) {
          long now = System.nanoTime();
          if (interval > 0) {
            while (now < intended) {
              LockSupport.parkNanos(intended - now);
              now = System.nanoTime();
            }
          } else {
            intended = now;
          }
          if (intended >= end) {
            return;
          }
          byte[] request = requests.get(next % requests.size());
          next++;
          int status;
          try {
            out.write(request);
            out.flush();
            status = readResponse(in);
          } catch (IOException closed) {
            connect();
            out.write(request);
            out.flush();
            status = readResponse(in);
          }
          long done = System.nanoTime();
          if (intended >= measureFrom) {
            if (count == latencies.length) {
              latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = done - intended;
            if (status < 200 || status > 299) {
              errors++;
            }
          }
          intended += interval;
        }
      } catch (IOException e) {
        failure = e;
      } finally {
        try {
          if (socket != null) {
            socket.close();
          }
        } catch (IOException e) {
          failure = failure == null ? e : failure;
        }
      }
    }

    private int readResponse(InputStream in) throws IOException {
      String statusLine = readLine(in);
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = 0;
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Long.parseLong(line.substring(15).trim());
        }
      }
      lastResponseBytes = length;
      long skipped = 0;
      while (skipped < length) {
        long n = in.skip(length - skipped);
        if (n <= 0) {
          if (in.read() < 0) {
            throw new IOException("connection closed mid-body");
          }
          n = 1;
        }
        skipped += n;
      }
      return status;
    }

    private static String readLine(InputStream in) throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }
}
