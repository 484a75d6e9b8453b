package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
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

    /**
     * The stop_reason of the answer that {@code last} (null: none came) ends: an Anthropic provider's own when it gave
     * one (so stop_sequence, pause_turn, refusal and model_context_window_exceeded reach the client as Anthropic sent
     * them), else OpenAI's finish_reason in Anthropic's vocabulary. An answer with tool_use blocks that ended normally is
     * {@code tool_use} even when the provider said {@code stop} (OpenAI does for a tool_choice naming the function):
     * agent loops continue on tool_use only.
     */
    static String stopReason(ReplyChunk last, boolean toolUse) {
        if (last != null && last.getStopReason() != null) {
            return last.getStopReason();
        }
        String finishReason = last != null ? last.getFinishReason() : null;
        if (finishReason == null) {
            return toolUse ? "tool_use" : "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> toolUse ? "tool_use" : "end_turn";
        };
    }

    /** The stop sequence that ended the answer (with stop_reason stop_sequence), else null. */
    static String stopSequence(ReplyChunk last) {
        return last != null && "stop_sequence".equals(last.getStopReason()) ? last.getStopSequence() : null;
    }

    /** A native block as the client gets it; null when it is not a JSON object with a type. */
    static ObjectNode nativeBlock(String json) {
        try {
            JsonNode block = Json.MAPPER.readTree(json);
            return block != null && block.isObject() && block.hasNonNull("type") ? (ObjectNode) block : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The model shown to the client: what the provider reported, else the catalog id, else what the client asked for. */
    static String modelOf(ReplyChunk chunk, String requested) {
        if (chunk.getModelName() != null && !chunk.getModelName().isEmpty()) {
            return chunk.getModelName();
        }
        return chunk.getModelId() != null ? chunk.getModelId() : requested;
    }
}
