package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.SseEvent;
import dev.switchyard.workers.providers.http.StreamDecoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a chat-completions event stream: {@code data: {chunk}} events ending with {@code data: [DONE]}. Each chunk's
 * first choice carries the deltas (content, tool_call fragments, reasoning from hosts that stream it as
 * {@code reasoning_content}/{@code reasoning}) and finally a finish_reason ({@code tool_calls} whenever the answer
 * called tools, also where the host said {@code stop}); with {@code include_usage} a last chunk
 * without choices carries the usage. An {@code {"error": ...}} chunk is the provider failing mid-stream.
 */
public final class OpenAiStreamDecoder implements StreamDecoder {
    private boolean done;
    private boolean finishSeen;
    private boolean toolCallsSeen;
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
        Chunk chunk;
        try {
            chunk = Chunk.parse(data);
        } catch (Exception e) {
            listener.onError(UpstreamFailure.streamBroken("unreadable event from the provider: " + abbreviate(data)));
            return;
        }
        if (chunk.error != null) {
            listener.onError(inStreamError(chunk.error));
            return;
        }
        String newModel = chunk.model != null && !chunk.model.equals(modelName) ? chunk.model : null;
        if (newModel != null) {
            modelName = chunk.model;
        }
        toolCallsSeen |= !chunk.toolCalls.isEmpty();
        String finishReason = chunk.finishReason;
        if (finishReason != null) {
            finishSeen = true;
            if (finishReason.equals("function_call") || (finishReason.equals("stop") && toolCallsSeen)) {
                // OpenAI ends a tool call forced by a named tool_choice with "stop" (Gemini's endpoint every tool
                // call): an answer that ends in tool calls ends with tool_calls, whatever forced it.
                finishReason = "tool_calls";
            }
        }
        String text = chunk.content != null ? chunk.content : chunk.refusal;
        String reasoning = chunk.reasoningContent != null ? chunk.reasoningContent : chunk.reasoning;
        Delta out = new Delta(text, reasoning, chunk.toolCalls, finishReason, chunk.usage, newModel, null, chunk.logprobs);
        if (out.hasContent() || finishReason != null || chunk.usage != null || newModel != null) {
            listener.onDelta(out);
        }
    }

    /**
     * The fields of one chunk this decoder uses, read with a streaming parser: every token of an answer is one
     * chunk, and building a JSON tree of each was the largest part of the worker's CPU per token after the network.
     * Only the rare parts (tool calls, logprobs, usage, an error) are read as trees.
     */
    private static final class Chunk {
        JsonNode error;
        String model;
        String content;
        String refusal;
        String reasoningContent;
        String reasoning;
        final List<ToolCallDelta> toolCalls = new ArrayList<>();
        String finishReason;
        String logprobs;
        Usage usage;

        static Chunk parse(String data) throws IOException {
            Chunk chunk = new Chunk();
            try (JsonParser p = Json.MAPPER.createParser(data)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "error" -> chunk.error = value == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
                        case "model" -> chunk.model = scalar(p);
                        case "choices" -> chunk.readChoices(p);
                        case "usage" -> {
                            if (value == JsonToken.START_OBJECT) {
                                chunk.usage = usage(p.readValueAsTree());
                            } else {
                                p.skipChildren(); // usage: null on every chunk but the last
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            }
            return chunk;
        }

        private void readChoices(JsonParser p) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                return;
            }
            boolean first = true;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (first && p.currentToken() == JsonToken.START_OBJECT) {
                    readChoice(p);
                } else {
                    p.skipChildren();
                }
                first = false;
            }
        }

        private void readChoice(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "delta" -> {
                        if (value == JsonToken.START_OBJECT) {
                            readDelta(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "finish_reason" -> finishReason = scalar(p);
                    case "logprobs" -> {
                        JsonNode tokenLogprobs = value == JsonToken.START_OBJECT ? p.<JsonNode>readValueAsTree().path("content") : null;
                        if (tokenLogprobs != null && tokenLogprobs.isArray() && !tokenLogprobs.isEmpty()) {
                            logprobs = Json.write(tokenLogprobs);
                        }
                        if (value != JsonToken.START_OBJECT) {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        private void readDelta(JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "content" -> content = scalar(p);
                    case "refusal" -> refusal = scalar(p);
                    case "reasoning_content" -> reasoningContent = scalar(p);
                    case "reasoning" -> reasoning = scalar(p);
                    case "tool_calls" -> {
                        JsonNode calls = p.readValueAsTree();
                        for (JsonNode call : calls == null ? List.<JsonNode>of() : calls) {
                            JsonNode function = call.path("function");
                            toolCalls.add(new ToolCallDelta(call.path("index").asInt(toolCalls.size()), Json.text(call, "id"),
                                    Json.text(function, "name"), Json.text(function, "arguments")));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }

        /** A scalar's text (as {@link Json#text} reads it); null for null and for objects/arrays, which are skipped. */
        private static String scalar(JsonParser p) throws IOException {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token.isStructStart()) {
                p.skipChildren();
                return null;
            }
            return p.getText();
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
