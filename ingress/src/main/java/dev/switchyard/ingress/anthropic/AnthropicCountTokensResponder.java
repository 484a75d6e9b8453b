package dev.switchyard.ingress.anthropic;

import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;

import java.util.Map;

/**
 * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}} from the one final chunk the worker answers a
 * count request with. When the provider has no counting endpoint the number is Switchyard's estimate, and the answer
 * says so in {@code x-switchyard-token-count: estimate} (else {@code provider}).
 */
public final class AnthropicCountTokensResponder implements ChatResponder {
    public static final String HEADER = "x-switchyard-token-count";
    /** The worker's finish_reason for a count it estimated. */
    private static final String ESTIMATED = "token_count_estimate";

    private final String requestId;
    private long inputTokens;
    private boolean estimated;

    public AnthropicCountTokensResponder(String requestId) {
        this.requestId = requestId;
    }

    @Override
    public boolean streaming() {
        return false;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        if (chunk.getUsage() != null) {
            // The count is every input token: cache reads and writes are part of the prompt too.
            inputTokens = chunk.getUsage().getInputTokens() + chunk.getUsage().getCacheReadTokens() + chunk.getUsage().getCacheWriteTokens();
        }
        if (chunk.getFinal$()) {
            estimated = ESTIMATED.equals(chunk.getFinishReason());
        }
        return "";
    }

    @Override
    public void reset() {
        inputTokens = 0;
        estimated = false;
    }

    @Override
    public String finish() {
        return Json.write(Json.object().put("input_tokens", inputTokens));
    }

    @Override
    public Map<String, String> headers() {
        return Map.of(HEADER, estimated ? "estimate" : "provider");
    }

    @Override
    public String errorEvent(ReplyError error) {
        return errorBody(error);
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(AnthropicErrors.body(error, requestId));
    }
}
