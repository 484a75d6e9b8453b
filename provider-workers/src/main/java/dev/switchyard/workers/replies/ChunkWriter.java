package dev.switchyard.workers.replies;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.Delta;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The reply chunks of one attempt: numbers them (seq 0, 1, ... per attempt_id), puts the attempt's header (model,
 * router/route/variant, attempts so far) on seq 0, and hands them to the {@link ReplySink}. Deltas are grouped into
 * records as {@link Coalescing} says (the first one of a streaming attempt always goes at once); what is still
 * buffered at the end rides on the final chunk, or goes out just before an error chunk. Used from one thread (the
 * request's context) at a time.
 */
public final class ChunkWriter {
    /**
     * What seq 0 says about the attempt; {@code usage} is what the provider reported before its first token
     * (Anthropic's input usage in message_start), else null.
     */
    public record Header(String modelId, String modelName, String routerId, String routeId, String variantId, Usage usage) {
        public Header(String modelId, String modelName, String routerId, String routeId, String variantId) {
            this(modelId, modelName, routerId, routeId, variantId, null);
        }
    }

    private final ReplySink publisher;
    private final ChatRequest request;
    private final String attemptId;
    private final int attempt;
    private final Coalescing coalescing;
    private final PendingDelta pending = new PendingDelta();
    private Supplier<Header> pendingHeader;
    private Supplier<List<Attempt>> pendingAttempts;
    private long flushTimer = -1;
    private long lastSentNanos;
    private int seq;
    private CompletableFuture<Void> lastAck = CompletableFuture.completedFuture(null);
    /** Why a chunk of this attempt was not published (null: none was lost); set from the sender's thread. */
    private volatile Throwable lost;

    public ChunkWriter(ReplySink publisher, ChatRequest request, String attemptId, int attempt, Coalescing coalescing) {
        this.publisher = publisher;
        this.request = request;
        this.attemptId = attemptId;
        this.attempt = attempt;
        this.coalescing = coalescing;
    }

    public String attemptId() {
        return attemptId;
    }

    /** Whether this attempt has given the client any content (sent or buffered): false means a clean slate. */
    public boolean started() {
        return seq > 0 || !pending.isEmpty();
    }

    /** A content delta; {@code header} and {@code attempts} are asked for only if it goes out as the attempt's first chunk. */
    public void content(Delta delta, Supplier<Header> header, Supplier<List<Attempt>> attempts) {
        if (!coalescing.enabled() || delta.logprobsJson() != null || delta.nativeBlockJson() != null) {
            // Logprobs belong to exactly this delta's tokens, a native block is a whole block: never merged.
            flushPending();
            sendContent(delta, header, attempts);
            return;
        }
        if (!pending.accepts(delta)) {
            flushPending();
        }
        pending.add(delta);
        pendingHeader = header;
        pendingAttempts = attempts;
        if (pending.chars() >= coalescing.maxChars()) {
            flushPending();
        } else if (request.getStream()) {
            long sinceLast = TimeUnit.NANOSECONDS.toMillis(coalescing.nanoTime().getAsLong() - lastSentNanos);
            if (seq == 0 || sinceLast >= coalescing.windowMs()) {
                flushPending();
            } else if (flushTimer < 0) {
                flushTimer = coalescing.timers().schedule(coalescing.windowMs() - sinceLast, this::onFlushTimer);
            }
        }
    }

    /** The last chunk of a finished answer, carrying whatever content was still buffered. */
    public CompletableFuture<Void> finish(String finishReason, Usage usage, Header header, List<Attempt> attempts) {
        return finish(finishReason, null, null, usage, header, attempts);
    }

    /** The same, with an Anthropic provider's own stop reason and matched stop sequence. */
    public CompletableFuture<Void> finish(String finishReason, String stopReason, String stopSequence, Usage usage,
                                          Header header, List<Attempt> attempts) {
        cancelFlushTimer();
        ReplyChunk chunk = start(header, attempts);
        if (!pending.isEmpty()) {
            withPending(chunk);
        }
        chunk.setFinishReason(finishReason);
        chunk.setStopReason(stopReason);
        chunk.setStopSequence(stopSequence);
        chunk.setUsage(usage);
        chunk.setAttempts(attempts);
        chunk.setFinal$(true);
        send(chunk);
        return acknowledged();
    }

    /** A terminal error: the request ends here (after the content still buffered). */
    public CompletableFuture<Void> error(ReplyError error, Header header, List<Attempt> attempts) {
        flushPending();
        ReplyChunk chunk = start(header, attempts);
        chunk.setError(error);
        chunk.setAttempts(attempts);
        chunk.setFinal$(true);
        send(chunk);
        return acknowledged();
    }

    /** The request ended without a terminal chunk (cancelled, abandoned): buffered content is dropped. */
    public void discard() {
        cancelFlushTimer();
        pending.clear();
    }

    private void onFlushTimer() {
        flushTimer = -1;
        flushPending();
    }

    private void flushPending() {
        cancelFlushTimer();
        if (pending.isEmpty()) {
            return;
        }
        ReplyChunk chunk = seq == 0 ? start(pendingHeader.get(), pendingAttempts.get()) : start(null, null);
        withPending(chunk);
        send(chunk);
    }

    private void withPending(ReplyChunk chunk) {
        chunk.setReasoning(pending.reasoning());
        chunk.setReasoningSignature(pending.signature());
        chunk.setText(pending.text());
        chunk.setToolCalls(pending.toolCalls());
        pending.clear();
    }

    private void sendContent(Delta delta, Supplier<Header> header, Supplier<List<Attempt>> attempts) {
        ReplyChunk chunk = seq == 0 ? start(header.get(), attempts.get()) : start(null, null);
        chunk.setText(emptyToNull(delta.text()));
        chunk.setReasoning(emptyToNull(delta.reasoning()));
        chunk.setToolCalls(delta.toolCalls());
        chunk.setReasoningSignature(emptyToNull(delta.reasoningSignature()));
        chunk.setLogprobsJson(delta.logprobsJson());
        chunk.setNativeBlockJson(delta.nativeBlockJson());
        send(chunk);
    }

    private void cancelFlushTimer() {
        if (flushTimer >= 0) {
            coalescing.timers().cancel(flushTimer);
            flushTimer = -1;
        }
    }

    /**
     * A chunk with its position and, on seq 0, the attempt's header. Built with the no-argument constructor, not the
     * Avro builder: {@code Builder.build()} deep-copies the schema's default of every field left unset, which was a
     * measurable share of the worker's CPU per chunk; the array fields are set here instead.
     */
    private ReplyChunk start(Header header, List<Attempt> attempts) {
        ReplyChunk chunk = new ReplyChunk();
        chunk.setRequestId(request.getRequestId());
        chunk.setAttemptId(attemptId);
        chunk.setAttempt(attempt);
        chunk.setSeq(seq);
        chunk.setAttempts(seq == 0 ? List.copyOf(attempts) : List.of());
        chunk.setToolCalls(List.of());
        if (seq == 0 && header != null) {
            chunk.setModelId(header.modelId());
            chunk.setModelName(header.modelName());
            chunk.setRouterId(header.routerId());
            chunk.setRouteId(header.routeId());
            chunk.setVariantId(header.variantId());
            chunk.setUsage(header.usage());
        }
        return chunk;
    }

    private void send(ReplyChunk chunk) {
        seq++;
        lastSentNanos = coalescing.nanoTime().getAsLong();
        CompletableFuture<Void> ack = publisher.chunk(request.getReplyTo(), chunk);
        ack.whenComplete((v, e) -> {
            if (e != null && lost == null) {
                lost = e;
            }
        });
        lastAck = ack;
    }

    /**
     * Completes when every chunk is acknowledged; fails if any was not. Same producer, same partition: acks arrive in
     * order, so the last one comes after every earlier chunk's verdict; but a chunk refused on its own (the sender's
     * queue full, a record too large) fails while later ones go through, and the client would wait on the hole.
     */
    private CompletableFuture<Void> acknowledged() {
        return lastAck.thenCompose(v -> lost == null ? lastAck : CompletableFuture.failedFuture(lost));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
