package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.PayloadTooLargeException;
import dev.featurestore.api.problems.ProblemJson;
import dev.featurestore.api.problems.UnexpectedFailure;
import dev.featurestore.api.security.Refusal;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.CatalogUnavailableException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ReadNotGrantedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lean online listener: the online-features routes (and a health route) on reactor-netty, on a
 * port of their own, without the servlet stack. Lookups touch only memory, so they run on the event
 * loop; the answer is generated into a pooled buffer and sent with its length. The loops are the
 * listener's own, one per processor by default: reactor-netty's shared default is at least four,
 * and on one or two processors the extra loops only took turns (measured in
 * docs/benchmarks-online.md).
 */
public final class OnlineListener implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(OnlineListener.class);

  static final List<String> LOOKUP_PATHS =
      List.of("/api/v1/online-features", "/get-online-features");
  private static final String JSON = "application/json";
  private static final byte[] HEALTH =
      "{\"status\":\"UP\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final OnlineFeatureLookup lookup;
  private final OnlineRequestAuthenticator authenticator;
  private final JsonMapper json;
  private final int configuredPort;
  private final int eventLoops;
  private final ConnectionLimits connectionLimits;
  private volatile LoopResources loops;
  private volatile DisposableServer server;

  /**
   * @param port the port to listen on; 0 for any free port, negative to stay off
   * @param eventLoops event-loop threads; 0 for one per available processor
   */
  public OnlineListener(
      OnlineFeatureLookup lookup,
      OnlineRequestAuthenticator authenticator,
      JsonMapper json,
      int port,
      int eventLoops,
      ConnectionLimits connectionLimits) {
    this.lookup = requireNonNull(lookup, "lookup is null");
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.json = requireNonNull(json, "json is null");
    if (eventLoops < 0) {
      throw new IllegalArgumentException("eventLoops must be 0 or more: " + eventLoops);
    }
    this.configuredPort = port;
    this.eventLoops = eventLoops == 0 ? Runtime.getRuntime().availableProcessors() : eventLoops;
    this.connectionLimits = requireNonNull(connectionLimits, "connectionLimits is null");
  }

  /** The bound port, once started. */
  public Optional<Integer> port() {
    DisposableServer bound = server;
    return bound == null ? Optional.empty() : Optional.of(bound.port());
  }

  @Override
  public void start() {
    if (configuredPort < 0) {
      log.info("Online listener is off (feature-store.online-port < 0)");
      return;
    }
    loops = LoopResources.create("online-listener", eventLoops, true);
    server =
        HttpServer.create()
            .runOn(loops)
            .port(configuredPort)
            .idleTimeout(connectionLimits.idleTimeout())
            .readTimeout(connectionLimits.readTimeout())
            .maxConnections(connectionLimits.maxConnections())
            .route(
                routes -> {
                  for (String path : LOOKUP_PATHS) {
                    routes.post(path, this::lookup);
                  }
                  routes.get("/health", this::health);
                })
            .bindNow(Duration.ofSeconds(30));
    log.info("Online listener on port {}, event loops: {}", server.port(), eventLoops);
  }

  @Override
  public void stop() {
    DisposableServer bound = server;
    if (bound != null) {
      bound.disposeNow(Duration.ofSeconds(10));
      server = null;
    }
    LoopResources owned = loops;
    if (owned != null) {
      // The server is gone, so no task can arrive: no quiet period (netty's default waits 2 s).
      owned.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block();
      loops = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** With the web server: after the indexes loaded, so the first request finds them. */
  @Override
  public int getPhase() {
    return OnlineIndexes.PHASE + 1;
  }

  private Publisher<Void> health(HttpServerRequest request, HttpServerResponse response) {
    ByteBuf buffer = response.alloc().buffer(HEALTH.length).writeBytes(HEALTH);
    return send(response, HttpResponseStatus.OK, JSON, buffer);
  }

  /** Counted whatever the answer, refusals included, as the main port counts them. */
  private Publisher<Void> lookup(HttpServerRequest request, HttpServerResponse response) {
    long started = System.nanoTime();
    return authenticate(request, response)
        .doFinally(
            signal ->
                lookup
                    .metrics()
                    .lookedUp(
                        OnlineLookupMetrics.Port.ONLINE,
                        response.status().code(),
                        System.nanoTime() - started));
  }

  private Mono<Void> authenticate(HttpServerRequest request, HttpServerResponse response) {
    return authenticator
        .authenticate(
            request.fullPath(), name -> Optional.ofNullable(request.requestHeaders().get(name)))
        .flatMap(
            verdict ->
                switch (verdict) {
                  case OnlineRequestAuthenticator.Refused refused ->
                      refuse(refused.refusal(), request, response);
                  case OnlineRequestAuthenticator.Admitted admitted ->
                      lookUp(admitted.reader(), request, response);
                })
        .onErrorResume(
            CatalogUnavailableException.class,
            e -> {
              log.warn("Cannot check an API key: the catalog is unavailable", e);
              return problem(
                  response,
                  ErrorCode.CATALOG_UNAVAILABLE,
                  "the catalog database is unavailable",
                  List.of());
            })
        .onErrorResume(
            RejectedExecutionException.class,
            e ->
                problem(
                    response,
                    ErrorCode.OVERLOADED,
                    "too many requests are waiting for their API key to be checked",
                    List.of()));
  }

  /** As the main port refuses the same request (docs/security.md). */
  private Mono<Void> refuse(
      Refusal refusal, HttpServerRequest request, HttpServerResponse response) {
    refusal
        .challenge()
        .ifPresent(challenge -> response.header(HttpHeaderNames.WWW_AUTHENTICATE, challenge));
    return problem(response, refusal.code(), refusal.detail(request.fullPath()), refusal.errors());
  }

  private Mono<Void> lookUp(ApiKey reader, HttpServerRequest request, HttpServerResponse response) {
    long length = request.requestHeaders().getInt(HttpHeaderNames.CONTENT_LENGTH, -1);
    if (length > OnlineFeatureLookup.MAX_BODY_BYTES) {
      return problem(
          response, ErrorCode.PAYLOAD_TOO_LARGE, OnlineFeatureLookup.BODY_TOO_LARGE, List.of());
    }
    // A chunked body announces no length: it is counted as it arrives.
    AtomicLong received = new AtomicLong();
    return ByteBufFlux.fromInbound(
            request
                .receive()
                .doOnNext(
                    chunk -> {
                      if (received.addAndGet(chunk.readableBytes())
                          > OnlineFeatureLookup.MAX_BODY_BYTES) {
                        throw new PayloadTooLargeException(OnlineFeatureLookup.BODY_TOO_LARGE);
                      }
                    }))
        .aggregate()
        .asByteArray()
        .defaultIfEmpty(new byte[0])
        .flatMap(body -> answer(reader, body, response))
        .onErrorResume(
            PayloadTooLargeException.class,
            e -> problem(response, ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), List.of()));
  }

  private Mono<Void> answer(ApiKey reader, byte[] body, HttpServerResponse response) {
    ByteBuf buffer = response.alloc().buffer(4096);
    try {
      lookup.answer(reader, body, new ByteBufOutputStream(buffer));
      return send(response, HttpResponseStatus.OK, JSON, buffer);
    } catch (InvalidInputException e) {
      buffer.release();
      return problem(response, ErrorCode.INVALID_INPUT, e.getMessage(), e.errors());
    } catch (OnlineIndexUnavailableException e) {
      buffer.release();
      return problem(response, ErrorCode.ONLINE_INDEX_UNAVAILABLE, e.getMessage(), List.of());
    } catch (ReadNotGrantedException e) {
      buffer.release();
      return problem(
          response, ErrorCode.READ_NOT_GRANTED, generator -> ProblemJson.write(generator, e));
    } catch (RuntimeException e) {
      buffer.release();
      UnexpectedFailure failure = UnexpectedFailure.logged(e);
      return problem(
          response, ErrorCode.INTERNAL_ERROR, generator -> ProblemJson.write(generator, failure));
    }
  }

  private Mono<Void> problem(
      HttpServerResponse response, ErrorCode code, String detail, List<FieldError> errors) {
    return problem(response, code, generator -> ProblemJson.write(generator, code, detail, errors));
  }

  private Mono<Void> problem(
      HttpServerResponse response, ErrorCode code, Consumer<JsonGenerator> document) {
    ByteBuf buffer = response.alloc().buffer(512);
    write(buffer, document);
    return send(
        response,
        HttpResponseStatus.valueOf(code.status().value()),
        ProblemJson.MEDIA_TYPE,
        buffer);
  }

  private void write(ByteBuf buffer, Consumer<JsonGenerator> writer) {
    try (JsonGenerator generator =
        json.createGenerator((OutputStream) new ByteBufOutputStream(buffer))) {
      writer.accept(generator);
    }
  }

  private static Mono<Void> send(
      HttpServerResponse response, HttpResponseStatus status, String contentType, ByteBuf buffer) {
    return response
        .status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, contentType)
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(buffer.readableBytes()))
        .send(Mono.just(buffer))
        .then();
  }
}
