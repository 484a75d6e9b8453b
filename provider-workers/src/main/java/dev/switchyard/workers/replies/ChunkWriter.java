package dev.switchyard.workers.replies;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.Delta;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The reply chunks of one attempt: numbers them (seq 0, 1, ... per attempt_id), puts the attempt's header (model,
 * router/route/variant, attempts so far) on seq 0, and hands them to the {@link ReplySink}. Every delta is sent as
 * it comes; coalescing small deltas for throughput belongs here and nowhere else. Used from one thread at a time.
 */
public final class ChunkWriter {
    /** What seq 0 says about the attempt. */
    public record Header(String modelId, String modelName, String routerId, String routeId, String variantId) {
    }

    private final ReplySink publisher;
    private final ChatRequest request;
    private final String attemptId;
    private final int attempt;
    private int seq;
    private CompletableFuture<Void> lastAck = CompletableFuture.completedFuture(null);

    public ChunkWriter(ReplySink publisher, ChatRequest request, String attemptId, int attempt) {
        this.publisher = publisher;
        this.request = request;
        this.attemptId = attemptId;
        this.attempt = attempt;
    }

    public String attemptId() {
        return attemptId;
    }

    /** Chunks sent so far: 0 means the client has seen nothing of this attempt. */
    public int sent() {
        return seq;
    }

    /** A content delta; {@code header} and {@code attempts} are asked for only if this is the attempt's first chunk. */
    public void content(Delta delta, Supplier<Header> header, Supplier<List<Attempt>> attempts) {
        ReplyChunk.Builder chunk = (seq == 0 ? start(header.get(), attempts.get()) : start(null, null))
                .setText(emptyToNull(delta.text()))
                .setReasoning(emptyToNull(delta.reasoning()))
                .setToolCalls(delta.toolCalls())
                .setReasoningSignature(emptyToNull(delta.reasoningSignature()))
                .setLogprobsJson(delta.logprobsJson());
        send(chunk);
    }

    /** The last chunk of a finished answer. */
    public CompletableFuture<Void> finish(String finishReason, Usage usage, Header header, List<Attempt> attempts) {
        ReplyChunk.Builder chunk = start(header, attempts)
                .setFinishReason(finishReason)
                .setUsage(usage)
                .setAttempts(attempts)
                .setFinal$(true);
        send(chunk);
        return lastAck;
    }

    /** A terminal error: the request ends here. */
    public CompletableFuture<Void> error(ReplyError error, Header header, List<Attempt> attempts) {
        ReplyChunk.Builder chunk = start(header, attempts)
                .setError(error)
                .setAttempts(attempts)
                .setFinal$(true);
        send(chunk);
        return lastAck;
    }

    private ReplyChunk.Builder start(Header header, List<Attempt> attempts) {
        ReplyChunk.Builder chunk = ReplyChunk.newBuilder()
                .setRequestId(request.getRequestId())
                .setAttemptId(attemptId)
                .setAttempt(attempt)
                .setSeq(seq);
        if (seq == 0) {
            chunk.setAttempts(List.copyOf(attempts));
            if (header != null) {
                chunk.setModelId(header.modelId())
                        .setModelName(header.modelName())
                        .setRouterId(header.routerId())
                        .setRouteId(header.routeId())
                        .setVariantId(header.variantId());
            }
        }
        return chunk;
    }

    private void send(ReplyChunk.Builder chunk) {
        seq++;
        // Same producer, same partition: acks arrive in order, so the last ack covers every earlier chunk.
        lastAck = publisher.chunk(request.getReplyTo(), chunk.build());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
