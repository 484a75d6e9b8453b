package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.SseEvent;
import dev.switchyard.workers.providers.http.StreamDecoder;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decodes an Anthropic Messages event stream: {@code message_start} (model, input usage), content blocks
 * ({@code content_block_start} / {@code _delta} with text_delta, input_json_delta, thinking_delta, signature_delta /
 * {@code _stop}),
 * {@code message_delta} (stop_reason, stop_sequence, cumulative usage), {@code message_stop}; {@code ping} is ignored
 * and {@code error} is the provider failing mid-stream. Tool-use blocks become OpenAI-style tool-call fragments indexed
 * 0, 1, ... in the order they start. Every other block (redacted_thinking, server_tool_use with its input,
 * web_search_tool_result and the other server tools' results) is passed on whole, when it stops, as a native block:
 * only an Anthropic client can take it, and it must go back with the turn (a redacted_thinking's encrypted data, a
 * server tool's call and result). citations_delta is not passed on. Usage is reported as message_start gives it (input and cache tokens,
 * before any content) and whole at the end, normalised (Anthropic's input_tokens already excludes cache reads and
 * writes). The end carries OpenAI's finish_reason and Anthropic's own stop_reason and stop_sequence.
 */
public final class AnthropicStreamDecoder implements StreamDecoder {
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    /** Tool blocks that have had input so far (a tool without parameters streams only an empty fragment). */
    private final Set<Integer> toolBlocksWithInput = new HashSet<>();
    private final Map<Integer, NativeBlock> nativeBlocks = new HashMap<>();
    private long inputTokens;
    private long outputTokens;
    private long cacheRead;
    private long cacheWrite;
    private String stopReason;
    private String stopSequence;
    private boolean done;

    @Override
    public void onEvent(SseEvent event, CallListener listener) {
        JsonNode data;
        try {
            data = Json.MAPPER.readTree(event.data());
        } catch (Exception e) {
            listener.onError(UpstreamFailure.streamBroken("unreadable event from Anthropic: " + event.data()));
            return;
        }
        String type = data.path("type").asText(event.event() == null ? "" : event.event());
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                readUsage(message.path("usage"));
                // The input usage is known before any content: reported now, for clients that read it from
                // message_start (the end's usage replaces it).
                listener.onDelta(new Delta(null, null, null, null, usage(), Json.text(message, "model")));
            }
            case "content_block_start" -> {
                JsonNode block = data.path("content_block");
                int index = data.path("index").asInt();
                switch (block.path("type").asText("")) {
                    case "tool_use" -> {
                        int toolIndex = toolIndexByBlock.size();
                        toolIndexByBlock.put(index, toolIndex);
                        listener.onDelta(Delta.toolCall(toolIndex, Json.text(block, "id"), Json.text(block, "name"), ""));
                    }
                    case "text" -> {
                        String text = Json.text(block, "text");
                        if (text != null && !text.isEmpty()) {
                            listener.onDelta(Delta.text(text));
                        }
                    }
                    case "thinking" -> {
                        String thinking = Json.text(block, "thinking");
                        if (thinking != null && !thinking.isEmpty()) {
                            listener.onDelta(Delta.reasoning(thinking));
                        }
                    }
                    default -> {
                        // redacted_thinking, server_tool_use, web_search_tool_result, ...: passed on whole when it stops
                        if (block.isObject()) {
                            nativeBlocks.put(index, new NativeBlock((ObjectNode) block.deepCopy()));
                        }
                    }
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = data.path("delta");
                int index = data.path("index").asInt();
                switch (delta.path("type").asText("")) {
                    case "text_delta" -> listener.onDelta(Delta.text(delta.path("text").asText("")));
                    case "thinking_delta" -> listener.onDelta(Delta.reasoning(delta.path("thinking").asText("")));
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexByBlock.get(index);
                        String fragment = delta.path("partial_json").asText("");
                        if (toolIndex != null && !fragment.isEmpty()) {
                            toolBlocksWithInput.add(index);
                            listener.onDelta(Delta.toolCall(toolIndex, null, null, fragment));
                        } else if (nativeBlocks.containsKey(index)) {
                            nativeBlocks.get(index).input.append(fragment); // a server tool's input
                        }
                    }
                    case "signature_delta" -> {
                        String signature = delta.path("signature").asText("");
                        if (!signature.isEmpty()) {
                            listener.onDelta(Delta.reasoningSignature(signature));
                        }
                    }
                    default -> {
                        // citations_delta: nothing to forward
                    }
                }
            }
            case "content_block_stop" -> {
                int index = data.path("index").asInt();
                NativeBlock block = nativeBlocks.remove(index);
                if (block != null) {
                    listener.onDelta(Delta.nativeBlock(block.json()));
                }
                Integer toolIndex = toolIndexByBlock.get(index);
                if (toolIndex != null && !toolBlocksWithInput.contains(index)) {
                    // A call without arguments: OpenAI's clients parse "{}", and JSON.parse("") throws.
                    listener.onDelta(Delta.toolCall(toolIndex, null, null, "{}"));
                }
            }
            case "message_delta" -> {
                String stop = Json.text(data.path("delta"), "stop_reason");
                if (stop != null) {
                    stopReason = stop;
                    stopSequence = Json.text(data.path("delta"), "stop_sequence");
                }
                readUsage(data.path("usage"));
            }
            case "message_stop" -> {
                done = true;
                listener.onDelta(Delta.finish(stopReason != null ? finishReason(stopReason) : "stop", stopReason,
                        stopSequence, usage()));
            }
            case "error" -> {
                JsonNode error = data.path("error");
                String errorType = Json.text(error, "type");
                listener.onError(UpstreamFailure.http(statusOf(errorType), errorType, null, null,
                        error.path("message").asText("error event in Anthropic's stream"), null));
            }
            default -> {
                // ping, unknown future events
            }
        }
    }

    @Override
    public boolean isComplete() {
        return done;
    }

    /** Anthropic's stop_reason in OpenAI's finish_reason vocabulary. */
    public static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** message_start and message_delta both carry usage; message_delta's counts are cumulative. */
    private void readUsage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        if (usage.hasNonNull("input_tokens")) {
            inputTokens = Math.max(inputTokens, usage.get("input_tokens").asLong());
        }
        if (usage.hasNonNull("output_tokens")) {
            outputTokens = Math.max(outputTokens, usage.get("output_tokens").asLong());
        }
        if (usage.hasNonNull("cache_read_input_tokens")) {
            cacheRead = Math.max(cacheRead, usage.get("cache_read_input_tokens").asLong());
        }
        if (usage.hasNonNull("cache_creation_input_tokens")) {
            cacheWrite = Math.max(cacheWrite, usage.get("cache_creation_input_tokens").asLong());
        }
    }

    private Usage usage() {
        return Usage.newBuilder()
                .setInputTokens(inputTokens)
                .setOutputTokens(outputTokens)
                .setCacheReadTokens(cacheRead)
                .setCacheWriteTokens(cacheWrite)
                .setReasoningTokens(0)
                .build();
    }

    /** A block passed on as Anthropic sent it, with the input its input_json_deltas streamed (server tools). */
    private static final class NativeBlock {
        final ObjectNode block;
        final StringBuilder input = new StringBuilder();

        NativeBlock(ObjectNode block) {
            this.block = block;
        }

        String json() {
            if (!input.isEmpty()) {
                try {
                    block.set("input", Json.MAPPER.readTree(input.toString()));
                } catch (Exception e) {
                    // unreadable: the block keeps the input it started with
                }
            }
            return Json.write(block);
        }
    }

    private static int statusOf(String errorType) {
        if (errorType == null) {
            return 500;
        }
        return switch (errorType) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }
}
