package dev.switchyard.ingress;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;

import java.time.Instant;
import java.util.List;

/** Reply chunks as provider workers produce them, for tests. */
public final class Chunks {
    private Chunks() {
    }

    public static ReplyChunk.Builder chunk(String requestId, String attemptId, int seq) {
        return ReplyChunk.newBuilder().setRequestId(requestId).setAttemptId(attemptId).setAttempt(1).setSeq(seq)
                .setAttempts(List.of()).setToolCalls(List.of());
    }

    /** An attempt's first chunk: who answers, through which router/route/variant, and the attempts so far. */
    public static ReplyChunk first(String requestId, String attemptId, String text, List<Attempt> attempts) {
        return chunk(requestId, attemptId, 0).setModelId("openai/gpt-5.2").setModelName("gpt-5.2-2025-12-11")
                .setRouterId("support").setRouteId("r-es").setVariantId("v-gpt")
                .setAttempts(attempts).setText(text).build();
    }

    public static ReplyChunk text(String requestId, String attemptId, int seq, String text) {
        return chunk(requestId, attemptId, seq).setText(text).build();
    }

    public static ReplyChunk last(String requestId, String attemptId, int seq, String finishReason, Usage usage, List<Attempt> attempts) {
        return chunk(requestId, attemptId, seq).setFinal$(true).setFinishReason(finishReason).setUsage(usage).setAttempts(attempts).build();
    }

    public static ReplyChunk error(String requestId, String attemptId, int seq, int status, String type, String code, String message) {
        return chunk(requestId, attemptId, seq).setFinal$(true)
                .setError(new ReplyError(status, type, code, null, message, null)).build();
    }

    public static ToolCallDelta tool(int index, String id, String name, String arguments) {
        return new ToolCallDelta(index, id, name, arguments);
    }

    public static Attempt attempt(int n, String modelId, String outcome, Integer status) {
        return Attempt.newBuilder().setAttempt(n).setAttemptId("w-" + n).setModelId(modelId)
                .setProvider(modelId.substring(0, modelId.indexOf('/'))).setStartedAt(Instant.EPOCH)
                .setOutcome(outcome).setHttpStatus(status).build();
    }

    public static Usage usage(long input, long output, long cacheRead, long cacheWrite, long reasoning) {
        return new Usage(input, output, cacheRead, cacheWrite, reasoning);
    }
}
