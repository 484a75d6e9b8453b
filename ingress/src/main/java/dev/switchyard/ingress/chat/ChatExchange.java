package dev.switchyard.ingress.chat;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.ingress.kafka.EventPublisher;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.replies.PendingRequests;
import dev.switchyard.ingress.replies.ReplyAssembler;
import dev.switchyard.schemas.kafka.KafkaSettings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One chat request from publication to the last byte, the protocol-neutral half of answering it: registers for its
 * replies, publishes it, orders its chunks ({@link ReplyAssembler}), sends the status and {@code x-switchyard-*}
 * headers, hands content to the protocol's {@link ChatResponder}, and ends it exactly once: with the final chunk, an
 * error, the deadline (504 + CANCEL) or the client leaving (CANCEL). Everything runs on the request's Vert.x context.
 */
public final class ChatExchange implements PendingRequests.ReplyHandler, ReplyAssembler.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ChatExchange.class);

    private enum State { WAITING, STREAMING, DONE }

    /**
     * Unread bytes past which a streaming client counts as not reading. Replies cannot wait in Kafka for one client
     * (its partition carries everyone's), so what a client does not read is held here.
     */
    static final int SLOW_CLIENT_BYTES = 4 * 1024 * 1024;

    private final ChatRequest request;
    private final ChatResponder responder;
    private final HttpServerResponse response;
    private final Context context;
    private final EventPublisher publisher;
    private final PendingRequests pending;
    private final IngressMetrics metrics;
    private final String endpoint;
    private final Runnable onDone;
    private final IntPredicate ownsPartition;
    private final Duration slowClientTimeout;
    private final ReplyAssembler assembler = new ReplyAssembler(this);
    private State state = State.WAITING;
    private long deadlineTimer = -1;
    private long stallTimer = -1;
    private boolean firstContentSeen;
    private String routerId;
    private String routeId;
    private String variantId;
    private List<Attempt> attempts = List.of();

    public ChatExchange(ChatRequest request, ChatResponder responder, HttpServerResponse response, Context context,
                        EventPublisher publisher, PendingRequests pending, IntPredicate ownsPartition, IngressMetrics metrics,
                        String endpoint, Duration slowClientTimeout, Runnable onDone) {
        this.request = request;
        this.responder = responder;
        this.response = response;
        this.context = context;
        this.publisher = publisher;
        this.pending = pending;
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.onDone = onDone;
        this.ownsPartition = ownsPartition;
        this.slowClientTimeout = slowClientTimeout;
    }

    /** Registers for replies, then publishes: even the fastest reply finds the request waiting. */
    public void start() {
        String id = request.getRequestId();
        response.putHeader(SwitchyardHeaders.REQUEST_ID, id);
        response.closeHandler(v -> clientGone());
        response.setWriteQueueMaxSize(SLOW_CLIENT_BYTES);
        int partition = request.getReplyTo().getPartition();
        pending.register(id, partition, context, this);
        if (!ownsPartition.test(partition)) {
            // The partition was revoked between choosing it and registering: the revocation may have missed this
            // request, and its replies would go to another instance. (Checked after registering, so a revocation
            // after this check does see the request.)
            fail(new ReplyError(503, "api_error", "not_ready", null,
                    "This Switchyard instance is handing reply partitions over to another instance. Retry the request.", null));
            return;
        }
        long wait = Math.max(1, Duration.between(Instant.now(), request.getDeadlineAt()).toMillis());
        deadlineTimer = context.owner().setTimer(wait, t -> deadlinePassed());
        Future.fromCompletionStage(publisher.publishRequest(request), context).onFailure(e -> {
            if (state == State.WAITING) {
                LOG.warn("request {} could not be published: {}", id, e.toString());
                fail(publishFailure(e));
            }
        });
    }

    /** Too large for a Kafka record is the request's size, to be told as such; anything else is Kafka unavailable. */
    private static ReplyError publishFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RecordTooLargeException) {
                return new ReplyError(413, "invalid_request_error", "request_too_large", null,
                        "The request is too large to queue for routing (at most " + KafkaSettings.MAX_RECORD_BYTES
                                + " bytes once encoded); send fewer or smaller images or files.", null);
            }
        }
        return new ReplyError(503, "api_error", "unavailable", null,
                "The request could not be queued for routing (Kafka is unavailable). Retry the request.", null);
    }

    // ---- replies (on the context) ----

    @Override
    public void onChunk(ReplyChunk chunk) {
        if (state != State.DONE) {
            assembler.accept(chunk);
        }
    }

    @Override
    public void onReplyPartitionLost(int partition) {
        if (state != State.DONE) {
            fail(new ReplyError(503, "api_error", "reply_partition_moved", null,
                    "This Switchyard instance handed reply partition " + partition + " to another instance while the request was running. Retry the request.", null));
            publisher.publishCancel(request.getRequestId(), "reply_partition_lost");
        }
    }

    @Override
    public void deliver(ReplyChunk chunk) {
        remember(chunk);
        if (chunk.getError() != null) {
            fail(chunk.getError());
            return;
        }
        if (!firstContentSeen && hasContent(chunk)) {
            firstContentSeen = true;
            metrics.timeToFirstToken(endpoint, Duration.between(request.getReceivedAt(), Instant.now()));
        }
        String out = responder.onChunk(chunk);
        if (responder.streaming()) {
            if (state == State.WAITING) {
                sendHeaders(200, responder.contentType());
                response.setChunked(true);
                state = State.STREAMING;
            }
            write(out);
        }
        if (chunk.getFinal$()) {
            String end = responder.finish();
            if (state == State.WAITING) {
                sendHeaders(200, responder.contentType());
            }
            finish(200, end);
        }
    }

    @Override
    public boolean discardAttempt(String oldAttemptId, String newAttemptId) {
        if (state != State.WAITING) {
            return false;
        }
        LOG.info("request {}: attempt {} replaced by {} before anything was sent", request.getRequestId(), oldAttemptId, newAttemptId);
        responder.reset();
        return true;
    }

    @Override
    public void interrupted(ReplyError error) {
        LOG.warn("request {}: {}", request.getRequestId(), error.getMessage());
        fail(error);
        publisher.publishCancel(request.getRequestId(), "stream_interrupted");
    }

    // ---- the ends ----

    private void deadlinePassed() {
        if (state == State.DONE) {
            return;
        }
        LOG.info("request {} passed its deadline without a final reply", request.getRequestId());
        fail(new ReplyError(504, "timeout_error", "timeout", null,
                "The request timed out: no complete answer before its deadline (" + request.getDeadlineAt() + ").", null));
        publisher.publishCancel(request.getRequestId(), "deadline_exceeded");
    }

    /** The client left more than {@link #SLOW_CLIENT_BYTES} unread for the whole slow-client timeout. */
    private void clientTooSlow() {
        stallTimer = -1;
        if (state == State.DONE) {
            return;
        }
        if (!response.writeQueueFull()) {
            return; // it caught up after all
        }
        LOG.warn("request {}: the client left more than {} bytes unread for {}; cancelling and closing its connection",
                request.getRequestId(), SLOW_CLIENT_BYTES, slowClientTimeout);
        cleanUp("client_too_slow");
        publisher.publishCancel(request.getRequestId(), "client_too_slow");
        response.reset(); // the stream cannot end normally: what it holds unread is dropped with the connection
    }

    private void clientGone() {
        if (state == State.DONE) {
            return;
        }
        LOG.info("request {}: client disconnected before the answer ended; cancelling", request.getRequestId());
        cleanUp("client_closed");
        publisher.publishCancel(request.getRequestId(), "client_disconnected");
    }

    /** Ends with an error: its status and body while nothing was sent, else an error event without the normal ending. */
    private void fail(ReplyError error) {
        if (state == State.DONE) {
            return;
        }
        if (state == State.WAITING) {
            if (!response.closed() && !response.headWritten()) {
                sendHeaders(error.getStatus(), "application/json");
                if (error.getRetryAfterSeconds() != null) {
                    response.putHeader("retry-after", error.getRetryAfterSeconds().toString());
                }
            }
            finish(error.getStatus(), responder.errorBody(error));
        } else {
            finish(response.getStatusCode(), responder.errorEvent(error));
        }
    }

    private void finish(int status, String lastText) {
        cleanUp(String.valueOf(status));
        if (!response.closed() && !response.ended()) {
            response.end(lastText);
        }
    }

    private void cleanUp(String status) {
        state = State.DONE;
        if (stallTimer >= 0) {
            context.owner().cancelTimer(stallTimer);
            stallTimer = -1;
        }
        assembler.close();
        pending.remove(request.getRequestId());
        context.owner().cancelTimer(deadlineTimer);
        metrics.request(endpoint, status);
        metrics.latency(endpoint, Duration.between(request.getReceivedAt(), Instant.now()));
        onDone.run();
    }

    // ---- helpers ----

    private void write(String text) {
        if (!text.isEmpty() && !response.closed() && !response.ended()) {
            response.write(text);
            if (stallTimer < 0 && response.writeQueueFull()) {
                // The client stopped reading: it gets the slow-client timeout to drain, then it is cut off.
                stallTimer = context.owner().setTimer(slowClientTimeout.toMillis(), t -> clientTooSlow());
                response.drainHandler(v -> {
                    if (stallTimer >= 0) {
                        context.owner().cancelTimer(stallTimer);
                        stallTimer = -1;
                    }
                });
            }
        }
    }

    private void sendHeaders(int status, String contentType) {
        if (response.closed() || response.headWritten()) {
            return;
        }
        response.setStatusCode(status);
        response.putHeader("content-type", contentType);
        if (responder.streaming() && status == 200) {
            response.putHeader("cache-control", "no-cache");
        }
        putIfSet(SwitchyardHeaders.ROUTER, routerId);
        putIfSet(SwitchyardHeaders.ROUTE, routeId);
        putIfSet(SwitchyardHeaders.VARIANT, variantId);
        if (!attempts.isEmpty()) {
            response.putHeader(SwitchyardHeaders.ATTEMPTS, SwitchyardHeaders.attempts(attempts));
        }
        if (status == 200) {
            responder.headers().forEach(response::putHeader);
        }
    }

    private void putIfSet(String name, String value) {
        if (value != null && !value.isEmpty()) {
            response.putHeader(name, value);
        }
    }

    private void remember(ReplyChunk chunk) {
        if (chunk.getRouterId() != null) {
            routerId = chunk.getRouterId();
        }
        if (chunk.getRouteId() != null) {
            routeId = chunk.getRouteId();
        }
        if (chunk.getVariantId() != null) {
            variantId = chunk.getVariantId();
        }
        if (!chunk.getAttempts().isEmpty()) {
            attempts = chunk.getAttempts();
        }
    }

    private static boolean hasContent(ReplyChunk chunk) {
        return chunk.getText() != null || chunk.getReasoning() != null || !chunk.getToolCalls().isEmpty();
    }
}
