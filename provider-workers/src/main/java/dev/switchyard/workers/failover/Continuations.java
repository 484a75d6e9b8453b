package dev.switchyard.workers.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.ProviderProtocol;

/**
 * {@code continue_midstream}: handing a partial answer to another model, which continues it as a prefilled assistant
 * message. Only models that can continue a partial assistant message qualify (catalog capability {@code prefill}):
 * Anthropic's models without extended thinking (Anthropic refuses a prefill when thinking is on), and OpenAI-compatible
 * hosts that continue a trailing assistant message marked {@code "prefix": true} (DeepSeek, Mistral).
 */
final class Continuations {
    /** The text to prefill, and whether trailing whitespace was removed (Anthropic rejects a prefill ending in it). */
    record Prefill(String text, boolean strippedTrailingWhitespace) {
    }

    private Continuations() {
    }

    static boolean canContinue(CatalogModel model, ProviderProtocol protocol, ChatRequest request) {
        if (!model.supports("prefill")) {
            return false;
        }
        if (protocol == ProviderProtocol.ANTHROPIC_MESSAGES) {
            return !thinkingRequested(request);
        }
        return protocol == ProviderProtocol.OPENAI_CHAT;
    }

    static Prefill prefill(String streamed) {
        String text = streamed.stripTrailing();
        return new Prefill(text, text.length() != streamed.length());
    }

    /** The request with the partial answer appended as the assistant's message to continue. */
    static ChatRequest request(ChatRequest original, String prefill, ProviderProtocol protocol) {
        JsonNode messages = Json.parse(original.getMessagesJson(), "messages");
        ArrayNode extended = messages.isArray() ? ((ArrayNode) messages).deepCopy() : Json.MAPPER.createArrayNode();
        ObjectNode assistant = extended.addObject().put("role", "assistant").put("content", prefill);
        if (protocol == ProviderProtocol.OPENAI_CHAT) {
            assistant.put("prefix", true); // DeepSeek's and Mistral's marker for "continue this message"
        }
        return ChatRequest.newBuilder(original).setMessagesJson(extended.toString()).build();
    }

    /** Extended thinking, asked for in protocol-neutral terms or as Anthropic's own {@code thinking} field. */
    private static boolean thinkingRequested(ChatRequest request) {
        ReasoningConfig reasoning = request.getReasoning();
        if (reasoning != null && !"disabled".equals(reasoning.getMode()) && !"none".equals(reasoning.getEffort())
                && (reasoning.getMode() != null || reasoning.getEffort() != null || reasoning.getBudgetTokens() != null)) {
            return true;
        }
        if (request.getExtraJson() == null || request.getExtraJson().isBlank()) {
            return false;
        }
        JsonNode extra = Json.parse(request.getExtraJson(), "extra fields");
        JsonNode thinking = extra.path("thinking");
        return thinking.isObject() && !"disabled".equals(thinking.path("type").asText("disabled"));
    }
}
