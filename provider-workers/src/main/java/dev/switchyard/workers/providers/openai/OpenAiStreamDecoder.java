package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.SseEvent;
import dev.switchyard.workers.providers.http.StreamDecoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a chat-completions event stream: {@code data: {chunk}} events ending with {@code data: [DONE]}. Each chunk's
 * first choice carries the deltas (content, tool_call fragments, reasoning from hosts that stream it as
 * {@code reasoning_content}/{@code reasoning}) and finally a finish_reason; with {@code include_usage} a last chunk
 * without choices carries the usage. An {@code {"error": ...}} chunk is the provider failing mid-stream.
 */
public final class OpenAiStreamDecoder implements StreamDecoder {
    private boolean done;
    private boolean finishSeen;
    private String modelName;

    @Override
    public void onEvent(SseEvent event, CallListener listener) {
        String data = event.data().strip();
        if (data.isEmpty()) {
            return;
        }
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.MAPPER.readTree(data);
        } catch (Exception e) {
            listener.onError(UpstreamFailure.streamBroken("unreadable event from the provider: " + abbreviate(data)));
            return;
        }
        if (chunk.hasNonNull("error")) {
            listener.onError(inStreamError(chunk.get("error")));
            return;
        }
        String model = Json.text(chunk, "model");
        String newModel = model != null && !model.equals(modelName) ? model : null;
        if (newModel != null) {
            modelName = model;
        }

        String text = null;
        String reasoning = null;
        List<ToolCallDelta> toolCalls = new ArrayList<>();
        String finishReason = null;
        String logprobs = null;
        JsonNode choices = chunk.path("choices");
        if (choices.isArray() && !choices.isEmpty()) {
            JsonNode choice = choices.get(0);
            JsonNode delta = choice.path("delta");
            text = Json.text(delta, "content");
            if (text == null) {
                text = Json.text(delta, "refusal");
            }
            reasoning = Json.text(delta, "reasoning_content");
            if (reasoning == null) {
                reasoning = Json.text(delta, "reasoning");
            }
            for (JsonNode call : delta.path("tool_calls")) {
                JsonNode function = call.path("function");
                toolCalls.add(new ToolCallDelta(call.path("index").asInt(toolCalls.size()), Json.text(call, "id"),
                        Json.text(function, "name"), Json.text(function, "arguments")));
            }
            JsonNode tokenLogprobs = choice.path("logprobs").path("content");
            if (tokenLogprobs.isArray() && !tokenLogprobs.isEmpty()) {
                logprobs = Json.write(tokenLogprobs);
            }
            finishReason = Json.text(choice, "finish_reason");
            if (finishReason != null) {
                finishSeen = true;
                if (finishReason.equals("function_call")) {
                    finishReason = "tool_calls";
                }
            }
        }
        Usage usage = chunk.hasNonNull("usage") && chunk.get("usage").isObject() ? usage(chunk.get("usage")) : null;
        Delta out = new Delta(text, reasoning, toolCalls, finishReason, usage, newModel, null, logprobs);
        if (out.hasContent() || finishReason != null || usage != null || newModel != null) {
            listener.onDelta(out);
        }
    }

    @Override
    public boolean isComplete() {
        return done;
    }

    @Override
    public boolean acceptsEndOfBody() {
        return done || finishSeen;
    }

    /**
     * OpenAI's usage, normalised: prompt_tokens includes cached tokens, which are counted apart
     * (prompt_tokens_details.cached_tokens, or DeepSeek's prompt_cache_hit_tokens).
     */
    public static Usage usage(JsonNode u) {
        long prompt = u.path("prompt_tokens").asLong(0);
        long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        if (cached == 0) {
            cached = u.path("prompt_cache_hit_tokens").asLong(0);
        }
        return Usage.newBuilder()
                .setInputTokens(Math.max(0, prompt - cached))
                .setCacheReadTokens(cached)
                .setCacheWriteTokens(0)
                .setOutputTokens(u.path("completion_tokens").asLong(0))
                .setReasoningTokens(u.path("completion_tokens_details").path("reasoning_tokens").asLong(0))
                .build();
    }

    private static UpstreamFailure inStreamError(JsonNode error) {
        String type = Json.text(error, "type");
        String message = error.isObject() ? Json.text(error, "message") : error.asText();
        int status = error.path("status").isInt() ? error.path("status").asInt()
                : error.path("code").isInt() ? error.path("code").asInt() : statusOfType(type);
        return UpstreamFailure.http(status, type, error.path("code").isTextual() ? error.get("code").asText() : null,
                Json.text(error, "param"), message != null ? message : "error event in the provider's stream", null);
    }

    private static int statusOfType(String type) {
        if (type == null) {
            return 500;
        }
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "rate_limit_error", "rate_limit_exceeded", "tokens" -> 429;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
