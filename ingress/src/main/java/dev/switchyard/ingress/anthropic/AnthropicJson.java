package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.http.Json;

/** The parts of Anthropic's wire format that streaming and non-streaming answers share. */
final class AnthropicJson {
    private AnthropicJson() {
    }

    /** {@code msg_<request id without its prefix>}: the message id names the request it answers. */
    static String messageId(String requestId) {
        return "msg_" + (requestId.startsWith("req_") ? requestId.substring(4) : requestId);
    }

    /** Switchyard's usage in Anthropic's terms: input_tokens exclude cache reads and writes, which are counted apart. */
    static ObjectNode usage(Usage usage) {
        Usage u = usage != null ? usage : new Usage(0L, 0L, 0L, 0L, 0L);
        ObjectNode node = Json.object();
        node.put("input_tokens", u.getInputTokens());
        node.put("cache_creation_input_tokens", u.getCacheWriteTokens());
        node.put("cache_read_input_tokens", u.getCacheReadTokens());
        node.put("output_tokens", u.getOutputTokens());
        return node;
    }

    /** OpenAI's finish_reason in Anthropic's stop_reason vocabulary. */
    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** The model shown to the client: what the provider reported, else the catalog id, else what the client asked for. */
    static String modelOf(ReplyChunk chunk, String requested) {
        if (chunk.getModelName() != null && !chunk.getModelName().isEmpty()) {
            return chunk.getModelName();
        }
        return chunk.getModelId() != null ? chunk.getModelId() : requested;
    }
}
