package dev.switchyard.core.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.Map;

/**
 * A provider-independent estimate of a request's input tokens, for when the model's provider has no counting
 * endpoint: about four characters of text per token, a fixed cost per message and per image or document (whose base64
 * bytes say nothing about their token cost). Good to a factor, not to the token: answers built from it say so.
 */
public final class TokenEstimates {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHARS_PER_TOKEN = 4;
    private static final int PER_MESSAGE = 4;
    private static final int PER_ATTACHMENT = 1_000;

    private TokenEstimates() {
    }

    /** The estimated input tokens of internal (OpenAI chat shaped) messages and tools, both JSON text (tools may be null). */
    public static long estimate(String messagesJson, String toolsJson) {
        try {
            long tokens = 0;
            JsonNode messages = JSON.readTree(messagesJson);
            for (JsonNode message : messages) {
                tokens += PER_MESSAGE + count(message);
            }
            if (toolsJson != null && !toolsJson.isBlank()) {
                tokens += (toolsJson.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
            }
            return Math.max(1, tokens);
        } catch (Exception e) {
            return Math.max(1, messagesJson.length() / CHARS_PER_TOKEN);
        }
    }

    private static long count(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText();
            return text.startsWith("data:") && text.contains(";base64,") ? PER_ATTACHMENT
                    : (text.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
        }
        long tokens = 0;
        if (node.isArray()) {
            for (JsonNode item : node) {
                tokens += count(item);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("cache_control") && !field.getKey().equals("signature")) {
                    tokens += count(field.getValue());
                }
            }
        }
        return tokens;
    }
}
