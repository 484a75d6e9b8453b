package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A mock LLM provider speaking the OpenAI Chat Completions, OpenAI Responses and Anthropic Messages wire formats,
 * streaming and not, with validation that mirrors the real providers and injectable latency and
 * faults.
 *
 * <pre>{@code
 * try (MockLlmProvider mock = MockLlmProvider.builder().defaultBehaviour(MockBehaviour.ofChunks(5)).start()) {
 *     String openAiBase = mock.openAiBaseUrl();        // http://127.0.0.1:PORT/v1
 *     String anthropicBase = mock.anthropicBaseUrl();  // http://127.0.0.1:PORT
 *     mock.rule("gpt-5.2", MockBehaviour.none().withTtftMs(200));
 *     mock.failNext("claude-haiku-4-5", 1, MockBehaviour.rateLimited(2));
 *     ...
 *     mock.awaitRequests(1, Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/responses}, {@code POST /v1/messages},
 * {@code POST /v1/messages/count_tokens}, {@code GET /health}.
 * The answer echoes the requested model and its text starts "Hello from MODEL. ", followed by
 * filler words, one word per chunk. Behaviour per request is
 * {@link MockBehaviour#DEFAULTS} &lt; {@link #defaultBehaviour(MockBehaviour) default} &lt;
 * {@link #rule(String, MockBehaviour) rule for "*"} &lt; rule for the model &lt;
 * {@link #failNext one-shot fault} &lt; {@code [[mock:...]]} directives in the last user message
 * (see {@link MockBehaviour#parseDirectives(String)}).
 *
 * <p>Thread-safe. Runs on its own Vert.x instance (or one given to the builder) with a
 * configurable number of event loops; all waiting is done with Vert.x timers.
 */
public final class MockLlmProvider implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final OpenAiProtocol OPENAI = new OpenAiProtocol();
    private static final AnthropicProtocol ANTHROPIC = new AnthropicProtocol();
    private static final ResponsesProtocol RESPONSES = new ResponsesProtocol();
    private static final String SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";
    private static final String JSON_CONTENT_TYPE = "application/json";

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String host;
    private final boolean strictHeaders;
    private final List<String> deployments = new ArrayList<>();
    private volatile int port;
    private volatile MockBehaviour defaultBehaviour;
    private final Map<String, MockBehaviour> rules = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<MockBehaviour>> oneShots = new ConcurrentHashMap<>();
    private final Recorder recorder;
    private final Object monitor = new Object();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong died = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile boolean closed;

    private MockLlmProvider(Builder b) {
        this.host = b.host;
        this.strictHeaders = b.strictHeaders;
        this.defaultBehaviour = b.defaultBehaviour;
        this.recorder = new Recorder(b.maxRecordedRequests);
        if (b.vertx != null) {
            this.vertx = b.vertx;
            this.ownsVertx = false;
        } else {
            this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(b.instances).setPreferNativeTransport(true));
            this.ownsVertx = true;
        }
    }

    /** A builder: host 127.0.0.1, a random free port, one event loop, 10 chunks, no delays. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a mock with all defaults (see {@link #builder()}). */
    public static MockLlmProvider start() {
        return builder().start();
    }

    /** Options of a {@link MockLlmProvider}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private int instances = 1;
        private MockBehaviour defaultBehaviour = MockBehaviour.none();
        private int maxRecordedRequests = 10_000;
        private boolean strictHeaders;
        private boolean http2ClearText;
        private Vertx vertx;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Number of server instances (event loops) sharing the port. */
        public Builder instances(int instances) {
            if (instances < 1) {
                throw new IllegalArgumentException("instances must be >= 1");
            }
            this.instances = instances;
            return this;
        }

        public Builder defaultBehaviour(MockBehaviour behaviour) {
            this.defaultBehaviour = Objects.requireNonNull(behaviour);
            return this;
        }

        /** How many of the latest requests are kept for {@link #requests()}; 0 keeps none (for load tests). */
        public Builder maxRecordedRequests(int max) {
            this.maxRecordedRequests = Math.max(0, max);
            return this;
        }

        /**
         * Also require the auth headers (OpenAI {@code Authorization: Bearer}, Anthropic
         * {@code x-api-key}) and Anthropic's {@code anthropic-version}, like the real APIs. Off by default.
         */
        public Builder strictHeaders(boolean strict) {
            this.strictHeaders = strict;
            return this;
        }

        /** Accept HTTP/2 over cleartext (h2c, prior knowledge or upgrade). Off by default. */
        public Builder http2ClearText(boolean enabled) {
            this.http2ClearText = enabled;
            return this;
        }

        /** Run on this Vert.x instance (not closed by {@link MockLlmProvider#close()}). */
        public Builder vertx(Vertx vertx) {
            this.vertx = vertx;
            return this;
        }

        /** Starts the server and waits until it listens. */
        public MockLlmProvider start() {
            MockLlmProvider p = new MockLlmProvider(this);
            try {
                p.listen(port, instances, http2ClearText);
            } catch (RuntimeException e) {
                p.close();
                throw e;
            }
            return p;
        }
    }

    private void listen(int wantedPort, int instances, boolean h2c) {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(h2c).setCompressionSupported(false).setDecompressionSupported(false);
        // Vert.x shares one listening socket between servers on the same host and port; port 0 is never
        // shared, but a negative port means "a random port shared by every server using this value".
        int p = wantedPort == 0 ? -1 : wantedPort;
        HttpServerOptions shared = new HttpServerOptions(options).setPort(p);
        deployments.add(await(vertx.deployVerticle(() -> new ServerVerticle(shared),
                new DeploymentOptions().setInstances(instances))));
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("mock provider: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("mock provider: timed out", e);
        }
    }

    // ------------------------------------------------------------------ public API

    public int port() {
        return port;
    }

    /** Whether it serves on Netty's native transport (epoll on Linux) rather than NIO. */
    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    /** {@code http://HOST:PORT} (the Anthropic base URL). */
    public String baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0")) {
            h = "127.0.0.1";
        }
        return "http://" + h + ":" + port;
    }

    /** {@code http://HOST:PORT/v1}: the base URL an OpenAI SDK takes. */
    public String openAiBaseUrl() {
        return baseUrl() + "/v1";
    }

    /** {@code http://HOST:PORT}: the base URL an Anthropic SDK takes. */
    public String anthropicBaseUrl() {
        return baseUrl();
    }

    public MockBehaviour defaultBehaviour() {
        return defaultBehaviour;
    }

    /** Replaces the server-wide default behaviour. */
    public MockLlmProvider defaultBehaviour(MockBehaviour behaviour) {
        this.defaultBehaviour = Objects.requireNonNull(behaviour);
        return this;
    }

    /** Sets (replaces) the behaviour for one upstream model ("*" = every model, under the model's own rule). */
    public MockLlmProvider rule(String upstreamModel, MockBehaviour behaviour) {
        rules.put(upstreamModel, Objects.requireNonNull(behaviour));
        return this;
    }

    public MockLlmProvider clearRule(String upstreamModel) {
        rules.remove(upstreamModel);
        return this;
    }

    /** Removes every rule and pending one-shot fault, and resets the default behaviour. */
    public MockLlmProvider reset() {
        rules.clear();
        oneShots.clear();
        defaultBehaviour = MockBehaviour.none();
        return this;
    }

    /**
     * The next {@code times} valid requests for {@code upstreamModel} ("*" = any model) get
     * {@code fault} overlaid (e.g. {@code MockBehaviour.error(500)}), then behaviour returns to normal.
     */
    public MockLlmProvider failNext(String upstreamModel, int times, MockBehaviour fault) {
        Objects.requireNonNull(fault);
        ConcurrentLinkedQueue<MockBehaviour> q = oneShots.computeIfAbsent(upstreamModel,
                k -> new ConcurrentLinkedQueue<>());
        for (int i = 0; i < times; i++) {
            q.add(fault);
        }
        return this;
    }

    /** The recorded requests, oldest first (at most the builder's {@code maxRecordedRequests} latest). */
    public List<RecordedRequest> requests() {
        return recorder.snapshot();
    }

    /** The recorded requests for one model. */
    public List<RecordedRequest> requests(String model) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : recorder.snapshot()) {
            if (model.equals(r.model())) {
                out.add(r);
            }
        }
        return out;
    }

    /** The latest recorded request, or {@code null}. */
    public RecordedRequest lastRequest() {
        return recorder.last();
    }

    public void clearRequests() {
        recorder.clear();
    }

    /**
     * Waits until at least {@code n} requests are recorded (since the last {@link #clearRequests()})
     * and returns them.
     *
     * @throws AssertionError on timeout, listing what arrived
     */
    public List<RecordedRequest> awaitRequests(int n, Duration timeout) {
        return recorder.await(n, timeout);
    }

    /** Requests received since start (including rejected ones). */
    public long receivedCount() {
        return received.get();
    }

    /** Answers finished normally (including error answers). */
    public long completedCount() {
        return completed.get();
    }

    /** Requests whose client went away (connection closed or stream reset) before the answer finished. */
    public long cancelledCount() {
        return cancelled.get();
    }

    /** Requests whose connection the mock dropped on purpose ({@code die-after}). */
    public long diedCount() {
        return died.get();
    }

    /** Requests accepted and not yet finished, cancelled or dropped. */
    public long inFlightCount() {
        return inFlight.get();
    }

    /** Waits until {@link #cancelledCount()} reaches {@code n}; throws AssertionError on timeout. */
    public void awaitCancelled(long n, Duration timeout) {
        awaitCondition(() -> cancelled.get() >= n, timeout,
                () -> "expected " + n + " cancelled requests, got " + cancelled.get());
    }

    /** Waits until {@link #completedCount()} reaches {@code n}; throws AssertionError on timeout. */
    public void awaitCompleted(long n, Duration timeout) {
        awaitCondition(() -> completed.get() >= n, timeout,
                () -> "expected " + n + " completed requests, got " + completed.get());
    }

    private void awaitCondition(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> msg) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(msg.get());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted: " + msg.get());
                }
            }
        }
    }

    private void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (ownsVertx) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } else {
                for (String id : deployments) {
                    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "MockLlmProvider[" + baseUrl() + "]";
    }

    // ------------------------------------------------------------------ server

    private final class ServerVerticle extends VerticleBase {
        private final HttpServerOptions options;
        private HttpServer server;

        ServerVerticle(HttpServerOptions options) {
            this.options = options;
        }

        @Override
        public Future<?> start() {
            server = vertx.createHttpServer(options).requestHandler(MockLlmProvider.this::handle);
            return server.listen().onSuccess(s -> {
                port = s.actualPort();
            });
        }

        @Override
        public Future<?> stop() {
            return server == null ? Future.succeededFuture() : server.close();
        }
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        ProtocolHandler proto = null;
        if (req.method() == HttpMethod.POST) {
            if (path.equals("/v1/chat/completions")) {
                proto = OPENAI;
            } else if (path.equals("/v1/messages")) {
                proto = ANTHROPIC;
            } else if (path.equals("/v1/responses")) {
                proto = RESPONSES;
            } else if (path.equals("/v1/messages/count_tokens")) {
                req.body().onSuccess(buf -> countTokens(req, buf));
                return;
            }
        }
        if (proto == null) {
            HttpServerResponse resp = req.response();
            if (req.method() == HttpMethod.GET && (path.equals("/health") || path.equals("/"))) {
                resp.putHeader("content-type", JSON_CONTENT_TYPE).end("{\"status\":\"ok\"}");
            } else {
                resp.setStatusCode(404).putHeader("content-type", JSON_CONTENT_TYPE)
                        .end(OPENAI.errorBody(new ApiError(404, "invalid_request_error",
                                "Invalid URL (" + req.method() + " " + path + ")", null, null), null));
            }
            return;
        }
        ProtocolHandler p = proto;
        req.body().onSuccess(buf -> process(req, p, buf));
    }

    private void process(HttpServerRequest req, ProtocolHandler proto, Buffer buf) {
        received.incrementAndGet();
        Exchange x = new Exchange(req, proto); // before recording: a recorded request is in flight
        String raw = buf.toString(StandardCharsets.UTF_8);
        JsonNode body = null;
        String parseError = null;
        try {
            body = MAPPER.readTree(raw);
        } catch (Exception e) {
            parseError = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        }
        String model = body != null && body.path("model").isTextual() ? body.path("model").asText() : null;
        if (recorder.enabled()) {
            recorder.add(new RecordedRequest(proto.protocol(), req.method().name(), req.path(), headers(req), body,
                    raw, model, body != null && body.path("stream").asBoolean(false), Instant.now()));
        }
        String requestId = proto != ANTHROPIC ? Json.randomId("req_", 32) : Json.randomId("req_011C", 20);
        x.resp.putHeader(proto.requestIdHeader(), requestId);

        if (body == null || !body.isObject()) {
            x.error(proto.notJson(parseError == null ? "not a JSON object" : parseError), requestId, 0, null);
            return;
        }
        for (Map.Entry<String, String> h : req.headers()) {
            if (h.getKey().regionMatches(true, 0, "x-switchyard-", 0, 13)) {
                x.error(proto.headerLeak(h.getKey().toLowerCase(Locale.ROOT)), requestId, 0, null);
                return;
            }
        }
        if (strictHeaders) {
            ApiError e = checkStrictHeaders(req, proto);
            if (e != null) {
                x.error(e, requestId, 0, null);
                return;
            }
        }
        ApiError invalid = proto.validate(body);
        if (invalid != null) {
            x.error(invalid, requestId, 0, null);
            return;
        }
        MockBehaviour.Directives d = MockBehaviour.parseDirectives(Requests.lastUserText(body));
        if (!d.unknown().isEmpty()) {
            x.error(proto.unknownDirective(d.unknown()), requestId, 0, null);
            return;
        }
        MockBehaviour b = MockBehaviour.DEFAULTS.overlay(defaultBehaviour).overlay(rules.get("*"))
                .overlay(rules.get(model)).overlay(pollOneShot(model)).overlay(d.behaviour());
        int ttft = b.ttftMs();
        if (Boolean.TRUE.equals(b.hang())) {
            return; // the close handler counts the cancellation
        }
        int prompt = Requests.promptTokens(body);
        Integer window = b.contextWindowTokens();
        if (Boolean.TRUE.equals(b.contextLengthExceeded()) || (window != null && prompt > window)) {
            int w = window != null ? window : 128_000;
            x.error(proto.contextLength(model, Math.max(prompt, w + 1), w), requestId, ttft, null);
            return;
        }
        if (b.status() != null && b.status() >= 400) {
            x.error(proto.statusError(b.status(), model), requestId, ttft, b.retryAfterSeconds());
            return;
        }
        Plan plan = proto.plan(body, b, d.strippedText());
        if (plan.stream) {
            x.stream(plan, b, requestId);
        } else {
            x.full(plan, b, requestId);
        }
    }

    /** Anthropic's {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}} for a valid body, free and instant. */
    private void countTokens(HttpServerRequest req, Buffer buf) {
        received.incrementAndGet();
        String raw = buf.toString(StandardCharsets.UTF_8);
        JsonNode body = null;
        try {
            body = MAPPER.readTree(raw);
        } catch (Exception e) {
            // reported below
        }
        String model = body != null && body.path("model").isTextual() ? body.path("model").asText() : null;
        if (recorder.enabled()) {
            recorder.add(new RecordedRequest(RecordedRequest.Protocol.ANTHROPIC, req.method().name(), req.path(), headers(req),
                    body, raw, model, false, Instant.now()));
        }
        HttpServerResponse resp = req.response().putHeader("content-type", JSON_CONTENT_TYPE);
        String requestId = Json.randomId("req_011C", 20);
        resp.putHeader(ANTHROPIC.requestIdHeader(), requestId);
        ApiError error = null;
        if (body == null || !body.isObject()) {
            error = ANTHROPIC.notJson("not a JSON object");
        }
        for (Map.Entry<String, String> h : req.headers()) {
            if (error == null && h.getKey().regionMatches(true, 0, "x-switchyard-", 0, 13)) {
                error = ANTHROPIC.headerLeak(h.getKey().toLowerCase(Locale.ROOT));
            }
        }
        if (error == null && strictHeaders) {
            error = checkStrictHeaders(req, ANTHROPIC);
        }
        if (error == null) {
            error = ANTHROPIC.validateCount(body);
        }
        if (error != null) {
            resp.setStatusCode(error.status()).end(ANTHROPIC.errorBody(error, requestId));
        } else {
            int tools = body.has("tools") ? body.get("tools").toString().length() / 4 : 0;
            resp.end("{\"input_tokens\":" + (Requests.promptTokens(body) + tools) + "}");
        }
        completed.incrementAndGet();
        signal();
    }

    private static ApiError checkStrictHeaders(HttpServerRequest req, ProtocolHandler proto) {
        if (proto == OPENAI || proto == RESPONSES) {
            String auth = req.getHeader("authorization");
            if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
                return new ApiError(401, "invalid_request_error", "You didn't provide an API key. You need to "
                        + "provide your API key in an Authorization header using Bearer auth (i.e. Authorization: "
                        + "Bearer YOUR_KEY).", null, null);
            }
            return null;
        }
        if (req.getHeader("x-api-key") == null && req.getHeader("authorization") == null) {
            return new ApiError(401, "authentication_error", "x-api-key header is required", null, null);
        }
        if (req.getHeader("anthropic-version") == null) {
            return ApiError.invalid("anthropic-version: header is required");
        }
        return null;
    }

    private MockBehaviour pollOneShot(String model) {
        if (oneShots.isEmpty()) {
            return null;
        }
        if (model != null) {
            ConcurrentLinkedQueue<MockBehaviour> q = oneShots.get(model);
            MockBehaviour b = q == null ? null : q.poll();
            if (b != null) {
                return b;
            }
        }
        ConcurrentLinkedQueue<MockBehaviour> any = oneShots.get("*");
        return any == null ? null : any.poll();
    }

    private static Map<String, List<String>> headers(HttpServerRequest req) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : req.headers()) {
            out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(h.getValue());
        }
        for (Map.Entry<String, List<String>> e : out.entrySet()) {
            e.setValue(List.copyOf(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /** One request being answered; confined to its event loop. */
    private final class Exchange {
        final HttpServerRequest req;
        final HttpServerResponse resp;
        final ProtocolHandler proto;
        /** When the request arrived: every piece of a stream is due at a fixed offset from here. */
        final long arrivedNanos = System.nanoTime();
        boolean done;
        long timer = -1;

        Exchange(HttpServerRequest req, ProtocolHandler proto) {
            this.req = req;
            this.resp = req.response();
            this.proto = proto;
            inFlight.incrementAndGet();
            resp.closeHandler(v -> onClose());
        }

        private void onClose() {
            if (done) {
                return;
            }
            done = true;
            inFlight.decrementAndGet();
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
            cancelled.incrementAndGet();
            signal();
        }

        private void schedule(long delayMs, Runnable r) {
            if (done) {
                return;
            }
            if (delayMs <= 0) {
                r.run();
                return;
            }
            timer = vertx.setTimer(delayMs, id -> {
                timer = -1;
                if (!done) {
                    r.run();
                }
            });
        }

        private void finish(String lastBytes) {
            if (done) {
                return;
            }
            done = true;
            inFlight.decrementAndGet();
            resp.end(lastBytes);
            completed.incrementAndGet();
            signal();
        }

        private void die() {
            if (done) {
                return;
            }
            done = true;
            inFlight.decrementAndGet();
            died.incrementAndGet();
            if (req.version() == HttpVersion.HTTP_2) {
                resp.reset();
            } else {
                req.connection().close();
            }
            signal();
        }

        void error(ApiError e, String requestId, long delayMs, Integer retryAfterSeconds) {
            schedule(delayMs, () -> {
                resp.setStatusCode(e.status()).putHeader("content-type", JSON_CONTENT_TYPE);
                if (retryAfterSeconds != null) {
                    resp.putHeader("retry-after", Integer.toString(retryAfterSeconds));
                }
                finish(proto.errorBody(e, requestId));
            });
        }

        void full(Plan p, MockBehaviour b, String requestId) {
            int n = p.pieces.size();
            long delay = (long) b.ttftMs() + (long) b.interTokenMs() * Math.max(0, n - 1);
            Integer dieAfter = b.dieAfterChunks();
            Integer errorAfter = b.errorAfterChunks();
            if (dieAfter != null) {
                long d = (long) b.ttftMs() + (long) b.interTokenMs() * Math.max(0, Math.min(dieAfter, n) - 1);
                schedule(d, this::die);
                return;
            }
            if (errorAfter != null && errorAfter < n) {
                long d = (long) b.ttftMs() + (long) b.interTokenMs() * Math.max(0, errorAfter - 1);
                error(proto.midStreamError(), requestId, d, null);
                return;
            }
            schedule(delay, () -> {
                resp.putHeader("content-type", JSON_CONTENT_TYPE);
                finish(proto.fullResponse(p));
            });
        }

        void stream(Plan p, MockBehaviour b, String requestId) {
            resp.setChunked(true).putHeader("content-type", SSE_CONTENT_TYPE).putHeader("cache-control", "no-cache");
            if (Boolean.TRUE.equals(b.streamHeadersImmediately())) {
                resp.writeHead();
            }
            int dieAfter = b.dieAfterChunks() == null ? -1 : b.dieAfterChunks();
            int errorAfter = b.errorAfterChunks() == null ? -1 : b.errorAfterChunks();
            int interToken = b.interTokenMs();
            int ttft = b.ttftMs();
            schedule(ttft, () -> step(p, 0, new StringBuilder(proto.streamPrelude(p)), dieAfter, errorAfter,
                    ttft, interToken));
        }

        /**
         * Emits from piece {@code i} on; {@code out} holds bytes not yet written. Piece k is due at arrival + TTFT +
         * k x inter-token, like a model generating at a steady rate: a timer that fires late delays that one piece,
         * not every piece after it (relative timers drifted ~15 ms over 100 pieces under load, which a benchmark
         * comparing streams against this schedule would have charged to whoever called the mock).
         */
        private void step(Plan p, int i, StringBuilder out, int dieAfter, int errorAfter, int ttft, int interToken) {
            int n = p.pieces.size();
            while (true) {
                if (i == dieAfter) {
                    if (out.length() > 0) {
                        resp.write(out.toString());
                    }
                    die();
                    return;
                }
                if (i == errorAfter && i < n) {
                    finish(out.append(proto.streamError(p)).toString());
                    return;
                }
                if (i >= n) {
                    finish(out.append(proto.streamEnd(p, i)).toString());
                    return;
                }
                out.append(proto.streamPiece(p, i));
                i++;
                if (interToken > 0 && (i < n || i == dieAfter)) {
                    resp.write(out.toString());
                    long dueNanos = arrivedNanos + TimeUnit.MILLISECONDS.toNanos(ttft + (long) interToken * i);
                    // At least 1 ms even when late: each piece (and a die-after's close) gets its own event-loop
                    // turn, as a provider's tokens do; the next piece's wait shrinks by as much, so nothing drifts.
                    long waitMs = Math.max(1, Math.round((dueNanos - System.nanoTime()) / 1e6));
                    int next = i;
                    schedule(waitMs, () -> step(p, next, new StringBuilder(), dieAfter, errorAfter, ttft, interToken));
                    return;
                }
            }
        }
    }

    /** Bounded, thread-safe record of requests. */
    private final class Recorder {
        private final int max;
        private final ArrayDeque<RecordedRequest> list = new ArrayDeque<>();

        Recorder(int max) {
            this.max = max;
        }

        boolean enabled() {
            return max > 0;
        }

        void add(RecordedRequest r) {
            synchronized (monitor) {
                if (list.size() >= max) {
                    list.removeFirst();
                }
                list.addLast(r);
                monitor.notifyAll();
            }
        }

        List<RecordedRequest> snapshot() {
            synchronized (monitor) {
                return List.copyOf(list);
            }
        }

        RecordedRequest last() {
            synchronized (monitor) {
                return list.peekLast();
            }
        }

        void clear() {
            synchronized (monitor) {
                list.clear();
            }
        }

        List<RecordedRequest> await(int n, Duration timeout) {
            if (n > max) {
                throw new IllegalArgumentException("only " + max + " requests are recorded");
            }
            awaitCondition(() -> list.size() >= n, timeout, () -> "expected " + n + " requests, got "
                    + list.size() + ": " + summary());
            return snapshot();
        }

        private String summary() {
            StringBuilder sb = new StringBuilder("[");
            for (RecordedRequest r : list) {
                sb.append(r.path()).append(' ').append(r.model()).append(", ");
            }
            return sb.append(']').toString();
        }
    }
}
