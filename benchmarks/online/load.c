// OnlineLoad.java's open-loop method in C, to check that the Java generator adds nothing of its own
// to the latencies it reports: the same requests, schedule, pipelining and coordinated-omission
// correction (latency counts from when a request was due), on one busy-polling thread, and the same
// output line. Build: cc -O2 -o load load.c; usage as OnlineLoad (rate > 0 only):
// load <port> <GET|POST> <path> <bodies file or -> <rate/s> <seconds> <warm-up seconds> <connections>
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_IN_FLIGHT (1 << 16)

struct request {
  char *bytes;
  size_t length;
};

struct connection {
  int fd;
  long long due[MAX_IN_FLIGHT]; // due times of unanswered requests, a ring
  unsigned head, tail;
  char *out; // bytes not yet written
  size_t out_length, out_capacity;
  char header[8192];
  int header_length;
  long long body_remaining; // -1 while reading a header
  int status;
  long long last_response_bytes;
};

static long long now_nanos(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static struct request *read_requests(const char *method, const char *path, const char *file,
                                     int *count) {
  const char *authorization = getenv("AUTHORIZATION");
  char *line = NULL;
  size_t capacity = 0;
  int size = 16;
  struct request *requests = malloc(size * sizeof *requests);
  *count = 0;
  FILE *in = strcmp(file, "-") == 0 ? NULL : fopen(file, "r");
  if (strcmp(file, "-") != 0 && in == NULL) die(file);
  for (;;) {
    ssize_t length = 0;
    if (in != NULL) {
      length = getline(&line, &capacity, in);
      if (length < 0) break;
      if (length > 0 && line[length - 1] == '\n') line[--length] = '\0';
    } else if (*count == 1) {
      break;
    }
    char head[1024];
    int head_length = snprintf(
        head, sizeof head, "%s %s HTTP/1.1\r\nHost: localhost\r\n%s%s%s", method, path,
        authorization ? "Authorization: " : "", authorization ? authorization : "",
        authorization ? "\r\n" : "");
    if (strcmp(method, "POST") == 0) {
      head_length += snprintf(head + head_length, sizeof head - head_length,
                              "Content-Type: application/json\r\nContent-Length: %zd\r\n",
                              length);
    }
    head_length += snprintf(head + head_length, sizeof head - head_length, "\r\n");
    if (*count == size) requests = realloc(requests, (size *= 2) * sizeof *requests);
    struct request *r = &requests[(*count)++];
    r->length = head_length + length;
    r->bytes = malloc(r->length);
    memcpy(r->bytes, head, head_length);
    if (length > 0) memcpy(r->bytes + head_length, line, length);
  }
  free(line);
  if (in) fclose(in);
  return requests;
}

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) die("fcntl");
  return fd;
}

static void flush(struct connection *c) {
  while (c->out_length > 0) {
    ssize_t written = write(c->fd, c->out, c->out_length);
    if (written < 0) {
      if (errno == EAGAIN) return;
      die("write");
    }
    memmove(c->out, c->out + written, c->out_length - written);
    c->out_length -= written;
  }
}

static void send_request(struct connection *c, const struct request *r, long long due) {
  if (c->tail - c->head == MAX_IN_FLIGHT) {
    fprintf(stderr, "%d requests unanswered on one connection\n", MAX_IN_FLIGHT);
    exit(1);
  }
  c->due[c->tail++ % MAX_IN_FLIGHT] = due;
  if (c->out_length + r->length > c->out_capacity) {
    c->out_capacity = 2 * (c->out_length + r->length);
    c->out = realloc(c->out, c->out_capacity);
  }
  memcpy(c->out + c->out_length, r->bytes, r->length);
  c->out_length += r->length;
  flush(c);
}

static long long content_length(const struct connection *c) {
  for (int line = 0; line < c->header_length; line++) {
    if (line > 0 && c->header[line - 1] != '\n') continue;
    if (c->header_length - line > 15 && strncasecmp(c->header + line, "content-length:", 15) == 0) {
      return atoll(c->header + line + 15);
    }
  }
  fprintf(stderr, "an answer without Content-Length\n");
  exit(1);
}

static long long *latencies;
static long long latency_count, latency_capacity;
static long long errors;

static void answered(struct connection *c, long long measure_from) {
  long long due = c->due[c->head++ % MAX_IN_FLIGHT];
  if (due < measure_from) return;
  if (latency_count == latency_capacity) {
    latencies = realloc(latencies, (latency_capacity *= 2) * sizeof *latencies);
  }
  latencies[latency_count++] = now_nanos() - due;
  if (c->status < 200 || c->status > 299) errors++;
}

static void read_answers(struct connection *c, long long measure_from) {
  static char input[1 << 18];
  ssize_t read_length = read(c->fd, input, sizeof input);
  if (read_length < 0) {
    if (errno == EAGAIN) return;
    die("read");
  }
  if (read_length == 0) {
    fprintf(stderr, "the server closed a connection with %u unanswered\n", c->tail - c->head);
    exit(1);
  }
  for (char *p = input, *end = input + read_length; p < end;) {
    if (c->body_remaining < 0) {
      while (p < end && c->body_remaining < 0) {
        if (c->header_length == sizeof c->header) {
          fprintf(stderr, "an answer's header is too long\n");
          exit(1);
        }
        char b = *p++;
        c->header[c->header_length++] = b;
        int n = c->header_length;
        if (b == '\n' && n >= 4 && c->header[n - 2] == '\r' && c->header[n - 3] == '\n') {
          c->status = (c->header[9] - '0') * 100 + (c->header[10] - '0') * 10 + c->header[11] - '0';
          c->body_remaining = content_length(c);
          c->last_response_bytes = c->body_remaining;
          c->header_length = 0;
        }
      }
    } else {
      long long skip = end - p < c->body_remaining ? end - p : c->body_remaining;
      p += skip;
      c->body_remaining -= skip;
    }
    if (c->body_remaining == 0) {
      answered(c, measure_from);
      c->body_remaining = -1;
    }
  }
}

static int compare(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double quantile) {
  if (latency_count == 0) return 0;
  long long index = (long long)(quantile * latency_count + 0.999999) - 1;
  if (index < 0) index = 0;
  if (index >= latency_count) index = latency_count - 1;
  return latencies[index] / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: load port method path bodies rate seconds warmup connections\n");
    return 2;
  }
  int port = atoi(argv[1]);
  int request_count;
  struct request *requests = read_requests(argv[2], argv[3], argv[4], &request_count);
  double rate = atof(argv[5]);
  long long duration = (long long)(atof(argv[6]) * 1e9);
  long long warmup = (long long)(atof(argv[7]) * 1e9);
  int connection_count = atoi(argv[8]);
  if (rate <= 0) {
    fprintf(stderr, "open loop only: give a rate\n");
    return 2;
  }
  latency_capacity = 1 << 20;
  latencies = malloc(latency_capacity * sizeof *latencies);
  int epoll = epoll_create1(0);
  struct connection *connections = calloc(connection_count, sizeof *connections);
  for (int i = 0; i < connection_count; i++) {
    connections[i].fd = connect_to(port);
    connections[i].body_remaining = -1;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = &connections[i]};
    epoll_ctl(epoll, EPOLL_CTL_ADD, connections[i].fd, &event);
  }
  long long start = now_nanos() + 100000000LL;
  long long measure_from = start + warmup, end = measure_from + duration;
  double interval = 1e9 / rate;
  long long total = (long long)((end - start) / interval), sent = 0;
  while (now_nanos() < start) {
  }
  struct epoll_event events[64];
  for (;;) {
    long long now = now_nanos();
    for (long long due = start + (long long)(sent * interval); sent < total && due <= now;
         due = start + (long long)(++sent * interval)) {
      send_request(&connections[sent % connection_count], &requests[sent % request_count], due);
    }
    long long in_flight = 0;
    for (int i = 0; i < connection_count; i++) {
      in_flight += connections[i].tail - connections[i].head;
      if (connections[i].out_length > 0) flush(&connections[i]);
    }
    if ((sent == total && in_flight == 0) || now > end + 10000000000LL) break;
    int ready = epoll_wait(epoll, events, 64, 0);
    for (int i = 0; i < ready; i++) read_answers(events[i].data.ptr, measure_from);
  }
  long long unanswered = 0, response_bytes = 0;
  for (int i = 0; i < connection_count; i++) {
    unanswered += connections[i].tail - connections[i].head;
    if (connections[i].last_response_bytes > response_bytes) {
      response_bytes = connections[i].last_response_bytes;
    }
    close(connections[i].fd);
  }
  qsort(latencies, latency_count, sizeof *latencies, compare);
  printf("%s %s rate=%.0f/s conns=%d requests=%lld achieved=%.0f/s non2xx=%lld unanswered=%lld "
         "response=%lldB p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms\n",
         argv[2], argv[3], rate, connection_count, latency_count, latency_count / (duration / 1e9),
         errors, unanswered, response_bytes, percentile(0.50), percentile(0.90), percentile(0.99),
         percentile(0.999), latency_count ? latencies[latency_count - 1] / 1e6 : 0);
  return 0;
}
