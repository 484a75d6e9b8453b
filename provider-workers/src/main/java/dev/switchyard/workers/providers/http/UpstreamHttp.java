package dev.switchyard.workers.providers.http;

import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.Secrets;
import dev.switchyard.workers.providers.UpstreamFailure;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.Locale;

/**
 * The HTTP side of every adapter: one pooled, keep-alive Vert.x {@link HttpClientAgent} per worker; a call POSTs a JSON
 * body and feeds the {@code text/event-stream} answer through an {@link SseParser} into the adapter's
 * {@link StreamDecoder}. Nothing blocks: callbacks run on the event loop of the context the call was started from.
 */
public final class UpstreamHttp implements AutoCloseable {
    private final HttpClientAgent client;
    private final long connectTimeoutMs;
    private final long idleTimeoutMs;

    /**
     * @param idleTimeout a call fails with a timeout when the provider sends nothing for this long (reasoning models
     *                    can think for minutes before the first byte: keep it generous)
     */
    public UpstreamHttp(Vertx vertx, Duration connectTimeout, Duration idleTimeout, int maxConnectionsPerHost) {
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setForceSni(true)
                        .setDecompressionSupported(false), // event streams must flow as they come, uncompressed
                new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost).setMaxWaitQueueSize(-1));
        this.connectTimeoutMs = connectTimeout.toMillis();
        this.idleTimeoutMs = idleTimeout.toMillis();
    }

    /** Starts the call; must run on a Vert.x context. */
    public ProviderCall postStream(UpstreamRequest request, StreamDecoder decoder, CallListener listener) {
        StreamingCall call = new StreamingCall(request, decoder, listener);
        call.begin();
        return call;
    }

    /**
     * A plain JSON POST (no event stream), such as Anthropic's count_tokens: {@code onBody} reads the 2xx body and
     * reports to the listener; the call then completes. Must run on a Vert.x context.
     */
    public ProviderCall postJson(UpstreamRequest request, BodyReader onBody, CallListener listener) {
        StreamingCall call = new StreamingCall(request, null, listener);
        call.jsonReader = onBody;
        call.begin();
        return call;
    }

    /** Reads a successful JSON answer into deltas for the listener (or a failure). */
    public interface BodyReader {
        void read(String body, CallListener listener);
    }

    @Override
    public void close() {
        client.close();
    }

    private final class StreamingCall implements ProviderCall {
        private final UpstreamRequest upstream;
        private final StreamDecoder decoder;
        private final CallListener listener;
        private final SseParser parser = new SseParser();
        private final CallListener guard;
        private HttpClientRequest request;
        private boolean over;
        private BodyReader jsonReader;

        StreamingCall(UpstreamRequest upstream, StreamDecoder decoder, CallListener listener) {
            this.upstream = upstream;
            this.decoder = decoder;
            this.listener = listener;
            this.guard = new CallListener() {
                @Override
                public void onDelta(Delta delta) {
                    if (!over) {
                        listener.onDelta(delta);
                    }
                }

                @Override
                public void onComplete() {
                    if (!over) {
                        over = true;
                        listener.onComplete();
                    }
                }

                @Override
                public void onError(UpstreamFailure failure) {
                    fail(failure);
                }
            };
        }

        void begin() {
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(upstream.url())
                    .setConnectTimeout(connectTimeoutMs)
                    .setIdleTimeout(idleTimeoutMs);
            upstream.headers().forEach(options::putHeader);
            options.putHeader("content-type", "application/json");
            options.putHeader("accept", jsonReader != null ? "application/json" : "text/event-stream");
            options.putHeader("user-agent", "switchyard-provider-workers");
            client.request(options).onComplete(ar -> {
                if (ar.failed()) {
                    fail(UpstreamFailure.connect("cannot connect to " + hostOf(upstream.url()) + ": " + describe(ar.cause())));
                    return;
                }
                request = ar.result();
                if (over) {
                    request.reset();
                    return;
                }
                request.send(Buffer.buffer(upstream.body())).onComplete(rar -> {
                    if (rar.failed()) {
                        fail(isTimeout(rar.cause())
                                ? UpstreamFailure.timeout("no answer from " + hostOf(upstream.url()) + " within " + idleTimeoutMs + " ms")
                                : UpstreamFailure.connect("connection to " + hostOf(upstream.url()) + " failed before an answer: " + describe(rar.cause())));
                    } else {
                        onResponse(rar.result());
                    }
                });
            });
        }

        private void onResponse(HttpClientResponse response) {
            if (over) {
                return;
            }
            int status = response.statusCode();
            String contentType = String.valueOf(response.getHeader("content-type")).toLowerCase(Locale.ROOT);
            if (jsonReader != null && status / 100 == 2) {
                response.body().onComplete(body -> {
                    if (over) {
                        return;
                    }
                    if (body.failed()) {
                        fail(UpstreamFailure.streamBroken("the answer from " + hostOf(upstream.url()) + " broke: " + describe(body.cause())));
                        return;
                    }
                    jsonReader.read(body.result().toString(), guard);
                    guard.onComplete();
                });
                return;
            }
            if (status / 100 != 2 || contentType.contains("application/json")) {
                response.body().onComplete(body -> {
                    String text = body.succeeded() ? body.result().toString() : null;
                    if (status / 100 != 2) {
                        fail(ErrorBodies.parse(status, text, response::getHeader));
                    } else {
                        fail(UpstreamFailure.streamBroken("expected an event stream from " + hostOf(upstream.url())
                                + " but got " + contentType + ": " + (text == null ? "" : ErrorBodies.truncate(text))));
                    }
                });
                return;
            }
            response.handler(buffer -> {
                if (!over) {
                    parser.feed(buffer.getBytes(), this::onEvent);
                }
            });
            response.exceptionHandler(t -> fail(isTimeout(t)
                    ? UpstreamFailure.timeout("the stream from " + hostOf(upstream.url()) + " went silent for " + idleTimeoutMs + " ms")
                    : UpstreamFailure.streamBroken("the stream from " + hostOf(upstream.url()) + " broke: " + describe(t))));
            response.endHandler(v -> {
                if (over) {
                    return;
                }
                parser.end(this::onEvent);
                if (decoder.acceptsEndOfBody()) {
                    guard.onComplete();
                } else {
                    fail(UpstreamFailure.streamBroken("the stream from " + hostOf(upstream.url()) + " ended before the answer was finished"));
                }
            });
        }

        private void onEvent(SseEvent event) {
            if (over) {
                return;
            }
            decoder.onEvent(event, guard);
            if (!over && decoder.isComplete()) {
                guard.onComplete();
            }
        }

        private void fail(UpstreamFailure failure) {
            if (over) {
                return;
            }
            over = true;
            abort();
            listener.onError(redact(failure));
        }

        @Override
        public void cancel() {
            if (over) {
                return;
            }
            over = true;
            abort();
        }

        private void abort() {
            // HTTP/1.1: resetting closes the connection, which is how a provider learns to stop generating.
            if (request != null) {
                request.reset();
            }
        }

        private UpstreamFailure redact(UpstreamFailure f) {
            return new UpstreamFailure(f.kind(), f.status(), f.type(), f.code(), f.param(),
                    Secrets.redact(f.message(), upstream.secret()), f.retryAfter());
        }
    }

    private static boolean isTimeout(Throwable t) {
        return t != null && t.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("timeout");
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message != null ? " " + message : "");
    }

    static String hostOf(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (RuntimeException e) {
            return "the provider";
        }
    }
}
