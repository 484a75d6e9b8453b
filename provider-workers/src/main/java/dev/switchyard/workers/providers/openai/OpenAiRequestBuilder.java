package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the upstream chat-completions body from a {@link ChatRequest}. The worker always streams upstream (with
 * usage), whatever the client asked: ingress assembles a non-streaming answer from the chunks. Routing metadata and
 * the fallback object are never forwarded: OpenAI rejects {@code metadata} unless {@code store} is set, and routing
 * fields mean nothing to a provider.
 */
public final class OpenAiRequestBuilder {
    /** OpenAI's reasoning models (gpt-5 family except the -chat variants, o1/o3/o4...). */
    private static final Pattern REASONING_NAME = Pattern.compile("^(gpt-5(?!.*-chat).*|o[1-9]([-.].*)?)$");

    /**
     * Fields of the client's body never copied from extra_json: the ones this builder owns, routing fields, and
     * {@code n} (only the first choice is streamed back: more would be paid for and thrown away).
     */
    private static final Set<String> NOT_FORWARDED = Set.of("model", "messages", "stream", "stream_options",
            "metadata", "fallback", "models", "route", "router", "tools", "tool_choice", "response_format", "stop",
            "seed", "temperature", "top_p", "max_tokens", "max_completion_tokens", "user", "n");

    private OpenAiRequestBuilder() {
    }

    /** The body to POST; {@code notes} receives the parameters that were mapped or dropped. */
    public static ObjectNode build(ChatRequest request, CatalogModel model, List<String> notes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.upstream());
        JsonNode messages = Json.parse(request.getMessagesJson(), "messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("messages must be an array");
        }
        body.set("messages", messages);

        // Client's other fields first, so the explicit mapping below always wins.
        if (request.getProtocol() == ClientProtocol.OPENAI_CHAT && request.getExtraJson() != null) {
            JsonNode extra = Json.parse(request.getExtraJson(), "extra fields");
            if (extra.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!NOT_FORWARDED.contains(field.getKey()) && !field.getKey().toLowerCase().startsWith("x-switchyard")) {
                        body.set(field.getKey(), field.getValue());
                    }
                }
            }
        }

        setJson(body, "tools", request.getToolsJson());
        setJson(body, "tool_choice", request.getToolChoiceJson());
        setJson(body, "response_format", request.getResponseFormatJson());
        if (!request.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.getStop().forEach(stop::add);
        }
        if (request.getSeed() != null) {
            body.put("seed", request.getSeed());
        }

        boolean reasoning = isReasoningModel(model);
        if (request.getTemperature() != null) {
            if (reasoning && request.getTemperature() != 1.0) {
                notes.add("temperature " + request.getTemperature() + " dropped: " + model.id()
                        + " is a reasoning model and only accepts the default (1)");
            } else {
                body.put("temperature", request.getTemperature());
            }
        }
        if (request.getTopP() != null) {
            if (reasoning && request.getTopP() != 1.0) {
                notes.add("top_p " + request.getTopP() + " dropped: " + model.id()
                        + " is a reasoning model and only accepts the default (1)");
            } else {
                body.put("top_p", request.getTopP());
            }
        }
        if (request.getMaxTokens() != null) {
            // OpenAI's reasoning models reject max_tokens: their limit covers hidden reasoning tokens too.
            body.put(reasoning ? "max_completion_tokens" : "max_tokens", request.getMaxTokens());
        }
        if (request.getUserId() != null) {
            body.put("user", request.getUserId());
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return body;
    }

    /**
     * OpenAI's reasoning models: by name (gpt-5*, o1/o3/o4) on any OpenAI-compatible host, or the catalog's
     * "reasoning" capability on OpenAI itself. Other hosts' reasoning models (DeepSeek R1, Gemini 2.5) keep
     * max_tokens and temperature, which they accept.
     */
    public static boolean isReasoningModel(CatalogModel model) {
        String name = model.upstream();
        int slash = name.lastIndexOf('/');
        String bare = slash >= 0 ? name.substring(slash + 1) : name; // openrouter-style "openai/o3"
        if (REASONING_NAME.matcher(bare).matches()) {
            return true;
        }
        return ("openai".equals(model.provider()) || "azure".equals(model.provider())) && model.supports("reasoning");
    }

    private static void setJson(ObjectNode body, String field, String json) {
        if (json != null && !json.isBlank()) {
            body.set(field, Json.parse(json, field));
        }
    }
}
