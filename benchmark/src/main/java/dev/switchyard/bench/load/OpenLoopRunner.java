package dev.switchyard.bench.load;

import dev.switchyard.bench.Shape;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop load generator: sends requests at a fixed arrival rate whatever the answers do (so queueing shows
 * as latency), over Vert.x's asynchronous HTTP client with as many keep-alive connections as requests in flight.
 * A pacer thread sleeps until each request's scheduled instant and hands it to the client; every latency is
 * measured from that scheduled instant. Each request is started on one of the event loops' contexts (round robin),
 * so its response handlers are in place before the first byte can arrive.
 */
public final class OpenLoopRunner implements AutoCloseable {
    private final Vertx vertx;
    private final Map<String, HttpClientAgent> clients = new HashMap<>();
    private final int maxConnections;
    private final Duration requestTimeout;
    private final List<Context> contexts = new CopyOnWriteArrayList<>();

    public OpenLoopRunner(int eventLoops, int maxConnections, Duration requestTimeout) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        this.maxConnections = maxConnections;
        this.requestTimeout = requestTimeout;
        try {
            // One verticle instance per event loop, only to get hold of one context on each.
            vertx.deployVerticle(() -> new AbstractVerticle() {
                @Override
                public void start() {
                    contexts.add(context);
                }
            }, new DeploymentOptions().setInstances(eventLoops)).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the load generator's event loops", e);
        }
    }

    private synchronized HttpClientAgent client(Target target) {
        return clients.computeIfAbsent(target.name(), n -> vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(10_000)
                        .setMaxInitialLineLength(16 * 1024),
                new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1)));
    }

    /**
     * Runs {@code rate} requests per second for {@code duration}, then waits up to {@code drain} for the answers.
     */
    public StepMeasurement.Snapshot run(Target target, Shape shape, boolean stream, double rate, Duration duration,
                                        Duration drain) {
        HttpClientAgent client = client(target);
        URI uri = URI.create(target.url());
        StepMeasurement m = new StepMeasurement();
        long count = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        double periodNanos = 1e9 / rate;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
        for (long i = 0; i < count; i++) {
            long due = start + (long) (i * periodNanos);
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            m.sendLag.recordValue(Math.max(0, (now - due) / 1000));
            m.scheduled.increment();
            m.inFlight.incrementAndGet();
            long n = i;
            contexts.get((int) (i % contexts.size()))
                    .runOnContext(v -> send(client, uri, target, shape, stream, n, due, m));
        }
        long scheduleEnd = start + (long) (count * periodNanos);
        long deadline = System.nanoTime() + drain.toNanos();
        while (m.inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a counter the event loops decrement
        }
        m.closed = true;
        long end = Math.max(scheduleEnd, m.lastEndNanos.get());
        return m.snapshot((end - start) / 1e9);
    }

    private void send(HttpClientAgent client, URI uri, Target target, Shape shape, boolean stream, long n, long due,
                      StepMeasurement m) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI(uri.getRawPath())
                .setIdleTimeout(requestTimeout.toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("accept", stream ? "text/event-stream" : "application/json");
        target.headers().forEach(options::putHeader);
        Buffer body = Buffer.buffer(target.bodies().apply(n, stream));
        Exchange exchange = new Exchange(m, shape, stream, due);
        client.request(options)
                .compose(request -> request.send(body))
                .onSuccess(exchange::onResponse)
                .onFailure(e -> exchange.fail(e.getClass().getSimpleName()));
    }

    /** One request's life on its connection's event loop. */
    private static final class Exchange implements SseScanner.Listener {
        private final StepMeasurement m;
        private final Shape shape;
        private final boolean stream;
        private final long due;
        private final SseScanner scanner;
        private Buffer body;
        private int status;
        private int chunks;
        private long lastChunkAt;
        private boolean sawDone;
        private boolean finished;

        Exchange(StepMeasurement m, Shape shape, boolean stream, long due) {
            this.m = m;
            this.shape = shape;
            this.stream = stream;
            this.due = due;
            this.scanner = stream ? new SseScanner() : null;
        }

        void onResponse(HttpClientResponse response) {
            status = response.statusCode();
            if (!stream || status != 200) {
                body = Buffer.buffer();
            }
            response.handler(this::onData);
            response.exceptionHandler(e -> fail(e.getClass().getSimpleName()));
            response.endHandler(v -> onEnd());
        }

        private void onData(Buffer data) {
            if (body != null) {
                if (body.length() < 1 << 20) {
                    body.appendBuffer(data);
                }
                return;
            }
            byte[] bytes = data.getBytes();
            scanner.feed(bytes, 0, bytes.length, this);
        }

        @Override
        public void onContent(int count) {
            long now = System.nanoTime();
            if (m.closed) {
                return;
            }
            for (int i = 0; i < count; i++) {
                int k = chunks++;
                if (k == 0) {
                    m.ttft.recordValue(micros(now - due));
                } else {
                    m.chunkGap.recordValue(micros(now - lastChunkAt));
                }
                long nominal = due + TimeUnit.MILLISECONDS.toNanos(shape.nominalChunkOffsetMs(k));
                m.chunkLateness.recordValue(micros(now - nominal));
                lastChunkAt = now;
            }
            m.contentChunks.add(count);
        }

        @Override
        public void onDone() {
            sawDone = true;
        }

        @Override
        public void onErrorEvent(String line) {
            fail("error event");
        }

        private void onEnd() {
            if (finished) {
                return;
            }
            if (status != 200) {
                fail("HTTP " + status);
            } else if (stream && !sawDone) {
                fail("stream ended without [DONE]");
            } else if (stream && chunks == 0) {
                fail("no content");
            } else if (!stream && body.toString().indexOf("\"choices\"") < 0) {
                fail("no choices");
            } else {
                long now = System.nanoTime();
                finished = true;
                m.inFlight.decrementAndGet();
                if (!m.closed) {
                    if (!stream) {
                        m.ttft.recordValue(micros(now - due)); // the whole answer is the first token
                    }
                    m.total.recordValue(micros(now - due));
                    m.ok.increment();
                    m.lastEndNanos.accumulateAndGet(now, Math::max);
                }
            }
        }

        void fail(String kind) {
            if (finished) {
                return;
            }
            finished = true;
            m.inFlight.decrementAndGet();
            if (!m.closed) {
                m.error(kind);
                m.lastEndNanos.accumulateAndGet(System.nanoTime(), Math::max);
            }
        }

        private static long micros(long nanos) {
            return Math.max(0, nanos / 1000);
        }
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClientAgent::close);
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing at exit: nothing left to do about it
        }
    }
}
