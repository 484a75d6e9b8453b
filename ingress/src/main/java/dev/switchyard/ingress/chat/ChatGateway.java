package dev.switchyard.ingress.chat;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.kafka.EventPublisher;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.replies.PendingRequests;
import dev.switchyard.ingress.replies.ReplyConsumer;
import dev.switchyard.schemas.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What every client protocol's chat endpoint shares: admission (overload guard, shutdown), the envelope of a new
 * request (id, deadline, reply address) and its submission as a {@link ChatExchange}. A protocol adds only a parser
 * and a {@link ChatResponder}.
 */
public final class ChatGateway {
    private final Vertx vertx;
    private final EventPublisher publisher;
    private final PendingRequests pending;
    private final ReplyConsumer replies;
    private final IngressMetrics metrics;
    private final InFlightLimiter limiter;
    private final Duration requestTimeout;
    private final Duration slowClientTimeout;
    private volatile boolean accepting = true;

    public ChatGateway(Vertx vertx, EventPublisher publisher, PendingRequests pending, ReplyConsumer replies,
                       IngressMetrics metrics, InFlightLimiter limiter, Duration requestTimeout, Duration slowClientTimeout) {
        this.vertx = vertx;
        this.publisher = publisher;
        this.pending = pending;
        this.replies = replies;
        this.metrics = metrics;
        this.limiter = limiter;
        this.requestTimeout = requestTimeout;
        this.slowClientTimeout = slowClientTimeout;
    }

    /** From now on new requests are refused (503): the service is draining. */
    public void stopAccepting() {
        accepting = false;
    }

    public boolean accepting() {
        return accepting;
    }

    /** Refuses at once, before the body is even read, when the service can't take more. */
    public void checkAdmissible() {
        if (!accepting) {
            throw new ApiException(503, "api_error", null, "shutting_down", "This Switchyard instance is shutting down. Retry the request.")
                    .withRetryAfter(1);
        }
        if (limiter.full()) {
            throw overloaded();
        }
    }

    /** A slot for one request in flight, released when its exchange ends. */
    public InFlightLimiter.Slot admit() {
        checkAdmissible();
        InFlightLimiter.Slot slot = limiter.tryAcquire();
        if (slot == null) {
            throw overloaded();
        }
        return slot;
    }

    /** {@code req_<uuid without dashes>}: the id of a request (also of a refused one, so its answer can name it). */
    public static String newRequestId() {
        return "req_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A new request's id, deadline and reply address (one of this instance's reply partitions). */
    public RequestEnvelope envelope(Instant receivedAt) {
        OptionalInt partition = replies.nextReplyPartition();
        if (partition.isEmpty()) {
            throw new ApiException(503, "api_error", null, "not_ready",
                    "This Switchyard instance owns no reply partition yet and cannot receive answers. Retry the request.")
                    .withRetryAfter(1);
        }
        return new RequestEnvelope(newRequestId(), receivedAt, receivedAt.plus(requestTimeout),
                new ReplyAddress(Topics.REPLIES, partition.getAsInt()));
    }

    /** Publishes the request and answers the client from its replies; must run on the request's event loop. */
    public void submit(ChatRequest request, ChatResponder responder, HttpServerResponse response, InFlightLimiter.Slot slot, String endpoint) {
        new ChatExchange(request, responder, response, vertx.getOrCreateContext(), publisher, pending,
                p -> replies.partitions().contains(p), metrics, endpoint, slowClientTimeout, slot::release)
                .start();
    }

    private ApiException overloaded() {
        return new ApiException(429, "rate_limit_error", null, "overloaded",
                "Switchyard has too many requests in flight; retry in a moment.").withRetryAfter(1);
    }
}
