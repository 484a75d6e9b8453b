package dev.switchyard.workers.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.ApiKind;
import dev.switchyard.core.catalog.CatalogModel;

/**
 * Refuses (400) what a model cannot do and that would change the answer: tool calling, images, PDFs, and on
 * Anthropic's API a conversation ending with the assistant's words to continue (prefill, which Claude 4.6 and later
 * refuse). Only models whose catalog entry lists capabilities are checked: an operator's self-hosted model without a
 * capability list is trusted.
 */
public final class Capabilities {
    private Capabilities() {
    }

    public static void check(CatalogModel model, JsonNode messages, JsonNode tools) {
        if (model.capabilities().isEmpty()) {
            return;
        }
        if (tools != null && tools.isArray() && !model.supports("tools")) {
            for (JsonNode tool : tools) {
                if (ToolDefinitions.kind(tool) != ToolDefinitions.Kind.NATIVE) {
                    throw new UnsupportedRequestException(model.id() + " cannot call tools (tool '" + ToolDefinitions.name(tool)
                            + "'): route tool requests to a model with tool calling");
                }
            }
        }
        boolean images = false;
        boolean pdfs = false;
        for (JsonNode message : messages) {
            JsonNode content = message.get("content");
            if (content == null || !content.isArray()) {
                continue;
            }
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                images |= type.equals("image_url");
                pdfs |= type.equals("file");
            }
        }
        if (images && !model.supports("vision")) {
            throw new UnsupportedRequestException(model.id() + " does not accept images: route image requests to a vision model");
        }
        if (pdfs && !model.supports("pdf")) {
            throw new UnsupportedRequestException(model.id() + " does not accept files or PDFs: route them to a model that reads PDFs");
        }
        // On other APIs a final assistant message is history, not words to continue: only Anthropic's prefills.
        JsonNode last = messages.isArray() && !messages.isEmpty() ? messages.get(messages.size() - 1) : null;
        if (last != null && "assistant".equals(last.path("role").asText()) && model.api() == ApiKind.ANTHROPIC_MESSAGES
                && !model.supports("prefill")) {
            throw new UnsupportedRequestException(model.id() + " does not continue a prefilled assistant message: end the "
                    + "conversation with a user message, or route prefills to a model that takes them");
        }
    }
}
