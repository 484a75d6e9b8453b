package dev.switchyard.engine.pipeline;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The reply and the completion record of a request the engine refuses to route. */
final class Rejections {
    static final String ROUTING_ATTEMPT_ID = "routing";

    private Rejections() {
    }

    static ReplyChunk replyOf(ChatRequest request, ReplyError error) {
        return ReplyChunk.newBuilder()
                .setRequestId(request.getRequestId())
                .setAttemptId(ROUTING_ATTEMPT_ID)
                .setAttempt(0)
                .setSeq(0)
                .setError(error)
                .setFinal$(true)
                .build();
    }

    static Completion completionOf(ChatRequest request, ReplyError error, String routerId, Instant now) {
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setReceivedAt(request.getReceivedAt())
                .setCompletedAt(now)
                .setProtocol(request.getProtocol())
                .setStream(request.getStream())
                .setRequestedModel(request.getModel())
                .setRouterId(routerId)
                .setUserId(request.getUserId())
                .setApiKeyId(request.getApiKeyId())
                .setMetadata(textValues(request.getMetadata()))
                .setStatus(CompletionStatus.ERROR)
                .setHttpStatus(error.getStatus())
                .setErrorType(error.getCode() != null ? error.getCode() : error.getType())
                .setErrorMessage(error.getMessage())
                .setAttempts(List.of())
                .setLatencyMs(Math.max(0, now.toEpochMilli() - request.getReceivedAt().toEpochMilli()))
                .setCountTokens(request.getCountTokens())
                .build();
    }

    /** Completion metadata is text: the request log stores it as a string map. */
    static Map<String, String> textValues(Map<String, Object> metadata) {
        Map<String, String> text = new HashMap<>();
        metadata.forEach((key, value) -> text.put(key, value == null ? "null" : value.toString()));
        return text;
    }
}
