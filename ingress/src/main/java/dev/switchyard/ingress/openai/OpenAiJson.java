package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;

/** The parts of OpenAI's wire format that streaming and non-streaming answers share. */
public final class OpenAiJson {
    private OpenAiJson() {
    }

    /** {@code {"error":{"message","type","param","code"}}}, nulls written out as OpenAI does. */
    public static ObjectNode error(ReplyError error) {
        ObjectNode body = Json.object();
        ObjectNode inner = body.putObject("error");
        inner.put("message", error.getMessage());
        inner.put("type", error.getType());
        inner.put("param", error.getParam());
        inner.put("code", error.getCode());
        return body;
    }

    public static ObjectNode error(ApiException error) {
        return error(error.toReplyError());
    }

    /** Switchyard's usage in OpenAI's terms: prompt tokens include cached ones (read and written). */
    public static ObjectNode usage(Usage usage) {
        Usage u = usage != null ? usage : new Usage(0L, 0L, 0L, 0L, 0L);
        long prompt = u.getInputTokens() + u.getCacheReadTokens() + u.getCacheWriteTokens();
        long completion = u.getOutputTokens();
        ObjectNode node = Json.object();
        node.put("prompt_tokens", prompt);
        node.put("completion_tokens", completion);
        node.put("total_tokens", prompt + completion);
        ObjectNode promptDetails = node.putObject("prompt_tokens_details").put("cached_tokens", u.getCacheReadTokens());
        if (u.getCacheWriteTokens() > 0) {
            // Anthropic's cache writes have no OpenAI field; named as OpenAI-compatible gateways name them, so nothing is lost.
            promptDetails.put("cache_creation_tokens", u.getCacheWriteTokens());
        }
        node.putObject("completion_tokens_details").put("reasoning_tokens", u.getReasoningTokens());
        return node;
    }

    /** The model shown to the client: what the provider reported, else the catalog id, else what the client asked for. */
    public static String modelOf(ReplyChunk chunk, String requested) {
        if (chunk.getModelName() != null && !chunk.getModelName().isEmpty()) {
            return chunk.getModelName();
        }
        return chunk.getModelId() != null ? chunk.getModelId() : requested;
    }

    /** A JSON array carried as text in an event (e.g. logprobs); an empty array when it is not one. */
    public static com.fasterxml.jackson.databind.node.ArrayNode parseArray(String json) {
        try {
            com.fasterxml.jackson.databind.JsonNode node = Json.MAPPER.readTree(json);
            if (node != null && node.isArray()) {
                return (com.fasterxml.jackson.databind.node.ArrayNode) node;
            }
        } catch (Exception e) {
            // fall through
        }
        return Json.MAPPER.createArrayNode();
    }

    /**
     * The finish_reason a client gets: {@code tool_calls} for an answer with tool calls that ended normally, whatever
     * the provider said (OpenAI says {@code stop} for a tool_choice naming the function), so that a client looping
     * on tool_calls goes on; otherwise the provider's ({@code stop} when it gave none).
     */
    public static String finishReason(String providers, boolean toolCalls) {
        if (providers == null || providers.equals("stop")) {
            return toolCalls ? "tool_calls" : "stop";
        }
        return providers;
    }

    /** {@code chatcmpl-<request id without its prefix>}: the completion id names the request it answers. */
    public static String completionId(String requestId) {
        return "chatcmpl-" + (requestId.startsWith("req_") ? requestId.substring(4) : requestId);
    }
}
