import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An open-loop HTTP/1.1 load generator with coordinated-omission correction (wrk2's method), on
 * one thread so that it can be pinned to one core and still issue 10k+ requests/s.
 *
 * <p>Request i is due at {@code start + i / rate}; it goes out on connection {@code i %
 * connections} as soon as it is due, whether or not that connection's earlier requests have been
 * answered (HTTP/1.1 pipelining over keep-alive connections), and its latency counts from when it
 * was due, not from when it was sent. A server that falls behind therefore shows its whole queueing
 * delay. With rate 0 it runs closed loop instead: each connection sends its next request when the
 * previous answer arrived, to find the saturation throughput.
 *
 * <p>Between sends the thread polls its sockets without sleeping (a sleep's timer slack would be a
 * large part of a 100 microsecond interval), so it keeps its core busy for the run. Nothing is
 * allocated per request.
 *
 * <p>Usage: java OnlineLoad.java <port> <GET|POST> <path> <bodies file or -> <rate/s> <seconds>
 * <warm-up seconds> <connections>. The bodies file holds one request body per line; requests cycle
 * through them. The environment variable AUTHORIZATION, when set, is sent as the Authorization
 * header (e.g. "Bearer <api key>").
 */
public class OnlineLoad {
  /** Requests a connection may have unanswered before the run counts as failed to keep up. */
  private static final int MAX_IN_FLIGHT = 1 << 16;

  /** How long after the run's end answers are waited for; the rest are reported unanswered. */
  private static final long GIVE_UP_NANOS = 10_000_000_000L;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String method = args[1];
    String path = args[2];
    List<String> bodies =
        args[3].equals("-") ? List.of("") : Files.readAllLines(Path.of(args[3]));
    String authorization = System.getenv("AUTHORIZATION");
    ByteBuffer[] requests = new ByteBuffer[bodies.size()];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = request(method, path, authorization, bodies.get(i));
    }
    double rate = Double.parseDouble(args[4]);
    long durationNanos = (long) (Double.parseDouble(args[5]) * 1e9);
    long warmupNanos = (long) (Double.parseDouble(args[6]) * 1e9);
    int connectionCount = Integer.parseInt(args[7]);

    Selector selector = Selector.open();
    Connection[] connections = new Connection[connectionCount];
    for (int c = 0; c < connectionCount; c++) {
      connections[c] = new Connection(port, selector);
    }
    Latencies latencies = new Latencies();
    long start = System.nanoTime() + 100_000_000L;
    long measureFrom = start + warmupNanos;
    long end = measureFrom + durationNanos;
    while (System.nanoTime() < start) {
      Thread.onSpinWait();
    }
    long sent = 0;
    if (rate > 0) {
      double intervalNanos = 1e9 / rate;
      long total = (long) ((end - start) / intervalNanos);
      while (true) {
        long now = System.nanoTime();
        for (long due = start + (long) (sent * intervalNanos);
            sent < total && due <= now;
            due = start + (long) (++sent * intervalNanos)) {
          connections[(int) (sent % connectionCount)].send(
              requests[(int) (sent % requests.length)], due);
        }
        if (sent == total && inFlight(connections) == 0) {
          break;
        }
        if (now > end + GIVE_UP_NANOS) {
          break;
        }
        poll(selector, latencies, measureFrom, now);
      }
    } else {
      for (Connection connection : connections) {
        connection.send(requests[(int) (sent++ % requests.length)], System.nanoTime());
      }
      while (true) {
        long now = System.nanoTime();
        if (now >= end && inFlight(connections) == 0) {
          break;
        }
        for (Connection connection : connections) {
          if (now < end && connection.inFlight() == 0) {
            connection.send(requests[(int) (sent++ % requests.length)], now);
          }
        }
        poll(selector, latencies, measureFrom, now);
      }
    }
    long errors = 0;
    long responseBytes = 0;
    long unanswered = inFlight(connections);
    for (Connection connection : connections) {
      errors += connection.errors;
      responseBytes = Math.max(responseBytes, connection.lastResponseBytes);
      connection.close();
    }
    long[] sorted = latencies.sorted();
    System.out.printf(
        "%s %s rate=%s conns=%d requests=%d achieved=%.0f/s non2xx=%d unanswered=%d response=%dB"
            + " p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms%n",
        method,
        path,
        rate > 0 ? String.format("%.0f/s", rate) : "closed-loop",
        connectionCount,
        sorted.length,
        sorted.length / (durationNanos / 1e9),
        errors,
        unanswered,
        responseBytes,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
  }

  private static ByteBuffer request(
      String method, String path, String authorization, String body) {
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
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer request = ByteBuffer.allocateDirect(headBytes.length + bytes.length);
    request.put(headBytes).put(bytes).flip();
    return request.asReadOnlyBuffer();
  }

  private static long inFlight(Connection[] connections) {
    long inFlight = 0;
    for (Connection connection : connections) {
      inFlight += connection.inFlight();
    }
    return inFlight;
  }

  private static void poll(Selector selector, Latencies latencies, long measureFrom, long now)
      throws IOException {
    if (selector.selectNow() == 0) {
      return;
    }
    for (SelectionKey key : selector.selectedKeys()) {
      Connection connection = (Connection) key.attachment();
      if (key.isReadable()) {
        connection.read(latencies, measureFrom);
      }
      if (key.isValid() && key.isWritable()) {
        connection.flush();
      }
    }
    selector.selectedKeys().clear();
  }

  private static double percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  /** Latencies in nanoseconds, in a growing array: no boxing, sorted once at the end. */
  static final class Latencies {
    private long[] values = new long[1 << 20];
    private int count;

    void add(long nanos) {
      if (count == values.length) {
        values = Arrays.copyOf(values, count * 2);
      }
      values[count++] = nanos;
    }

    long[] sorted() {
      long[] sorted = Arrays.copyOf(values, count);
      Arrays.sort(sorted);
      return sorted;
    }
  }

  /**
   * One keep-alive connection: requests queued for writing, the due times of the unanswered ones
   * in order, and a parser that finds each answer's status and skips its body by Content-Length.
   */
  static final class Connection {
    private static final byte[] CONTENT_LENGTH =
        "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE =
        "connection: close".getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final Selector selector;
    private SocketChannel channel;
    private SelectionKey key;
    private final List<ByteBuffer> pendingWrites = new ArrayList<>();
    private final long[] dueTimes = new long[MAX_IN_FLIGHT];
    private int dueHead;
    private int dueTail;
    private final ByteBuffer input = ByteBuffer.allocateDirect(1 << 18);
    // Parser state: the header being read (bytes of it), then the body bytes still to skip.
    private final byte[] header = new byte[8192];
    private int headerLength;
    private long bodyRemaining = -1;
    private int status;
    private boolean closing;
    long errors;
    long lastResponseBytes;

    Connection(int port, Selector selector) throws IOException {
      this.port = port;
      this.selector = selector;
      connect();
    }

    private void connect() throws IOException {
      channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      key = channel.register(selector, SelectionKey.OP_READ, this);
    }

    void close() throws IOException {
      channel.close();
    }

    int inFlight() {
      return dueTail - dueHead;
    }

    void send(ByteBuffer request, long due) throws IOException {
      if (inFlight() == MAX_IN_FLIGHT) {
        throw new IOException(MAX_IN_FLIGHT + " requests unanswered on one connection");
      }
      if (dueHead == dueTail) {
        dueHead = 0;
        dueTail = 0;
      }
      dueTimes[dueTail++] = due;
      ByteBuffer copy = request.duplicate();
      if (pendingWrites.isEmpty()) {
        channel.write(copy);
        if (!copy.hasRemaining()) {
          return;
        }
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
      pendingWrites.add(copy);
    }

    void flush() throws IOException {
      while (!pendingWrites.isEmpty()) {
        ByteBuffer next = pendingWrites.get(0);
        channel.write(next);
        if (next.hasRemaining()) {
          return;
        }
        pendingWrites.remove(0);
      }
      key.interestOps(SelectionKey.OP_READ);
    }

    void read(Latencies latencies, long measureFrom) throws IOException {
      input.clear();
      int read = channel.read(input);
      if (read < 0) {
        throw new IOException("the server closed a connection with " + inFlight() + " unanswered");
      }
      input.flip();
      while (input.hasRemaining()) {
        if (bodyRemaining < 0) {
          readHeader();
        } else {
          int skip = (int) Math.min(bodyRemaining, input.remaining());
          input.position(input.position() + skip);
          bodyRemaining -= skip;
        }
        if (bodyRemaining == 0) {
          long now = System.nanoTime();
          long due = dueTimes[dueHead++];
          if (due >= measureFrom) {
            latencies.add(now - due);
            if (status < 200 || status > 299) {
              errors++;
            }
          }
          bodyRemaining = -1;
          if (closing) {
            reconnect();
            return;
          }
        }
      }
    }

    /**
     * Servers may close a kept-alive connection after an answer that says so (Tomcat after 100
     * requests): open another. Requests pipelined behind that answer would be lost, so none may be.
     */
    private void reconnect() throws IOException {
      if (inFlight() > 0 || input.hasRemaining()) {
        throw new IOException("the server closed a connection with requests pipelined on it");
      }
      closing = false;
      key.cancel();
      channel.close();
      connect();
    }

    /** Consumes header bytes up to and including the blank line, then sets the body's length. */
    private void readHeader() throws IOException {
      while (input.hasRemaining()) {
        if (headerLength == header.length) {
          throw new IOException("an answer's header is longer than " + header.length + " bytes");
        }
        byte b = input.get();
        header[headerLength++] = b;
        if (b == '\n'
            && headerLength >= 4
            && header[headerLength - 2] == '\r'
            && header[headerLength - 3] == '\n') {
          status =
              (header[9] - '0') * 100 + (header[10] - '0') * 10 + (header[11] - '0');
          bodyRemaining = contentLength();
          closing = headerLine(CONNECTION_CLOSE) >= 0;
          lastResponseBytes = bodyRemaining;
          headerLength = 0;
          return;
        }
      }
    }

    private long contentLength() throws IOException {
      int value = headerLine(CONTENT_LENGTH);
      if (value < 0) {
        throw new IOException("an answer without Content-Length");
      }
      long length = 0;
      for (int p = value; header[p] != '\r'; p++) {
        if (header[p] >= '0' && header[p] <= '9') {
          length = length * 10 + header[p] - '0';
        }
      }
      return length;
    }

    /** The position after {@code prefix} (lower case) at the start of a header line, or -1. */
    private int headerLine(byte[] prefix) {
      for (int line = 0; line < headerLength; line++) {
        if (line > 0 && header[line - 1] != '\n') {
          continue;
        }
        int i = 0;
        while (i < prefix.length
            && line + i < headerLength
            && Character.toLowerCase(header[line + i]) == prefix[i]) {
          i++;
        }
        if (i == prefix.length) {
          return line + i;
        }
      }
      return -1;
    }
  }
}
