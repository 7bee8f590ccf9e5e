// The platform floor of the online benchmark: the least an HTTP server can do on this machine.
// One thread, epoll, keep-alive and pipelining; every request gets the same 15-byte JSON answer the
// server's GET /health gives. Its latencies are the machine's (scheduler, virtualisation, loopback)
// and the load generator's, with no JVM and no HTTP stack of ours in them.
// Build: cc -O2 -o floor floor.c; run: floor <port> (listens on 127.0.0.1).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char ANSWER[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: 15\r\n\r\n{\"status\":\"UP\"}";

struct connection {
  int fd;
  int buffered;
  char buffer[1 << 16];
};

// Answers every complete request in the connection's buffer and keeps the incomplete rest.
static int answer_complete_requests(struct connection *c, char *out) {
  int out_length = 0;
  char *next = c->buffer, *end = c->buffer + c->buffered;
  for (;;) {
    char *headers_end = memmem(next, end - next, "\r\n\r\n", 4);
    if (headers_end == NULL) break;
    char *length = memmem(next, headers_end - next, "Content-Length: ", 16);
    char *request_end = headers_end + 4 + (length ? atoi(length + 16) : 0);
    if (request_end > end) break;
    next = request_end;
    memcpy(out + out_length, ANSWER, sizeof ANSWER - 1);
    out_length += sizeof ANSWER - 1;
  }
  memmove(c->buffer, next, end - next);
  c->buffered = end - next;
  return out_length;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: floor <port>\n");
    return 2;
  }
  int one = 1;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 128)) {
    perror("floor");
    return 1;
  }
  int poller = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
  static char out[1 << 20];  // 64 KiB of requests never need more than this many answer bytes
  struct epoll_event ready[64];
  for (;;) {
    int count = epoll_wait(poller, ready, 64, -1);
    for (int i = 0; i < count; i++) {
      struct connection *c = ready[i].data.ptr;
      if (c == NULL) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c = calloc(1, sizeof *c);
        c->fd = fd;
        struct epoll_event readable = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(poller, EPOLL_CTL_ADD, fd, &readable);
        continue;
      }
      int read_bytes = read(c->fd, c->buffer + c->buffered, sizeof c->buffer - c->buffered);
      if (read_bytes <= 0) {
        close(c->fd);
        free(c);
        continue;
      }
      c->buffered += read_bytes;
      int out_length = answer_complete_requests(c, out);
      if (out_length > 0 && write(c->fd, out, out_length) < 0) perror("floor");
    }
  }
}
