package dev.switchyard.workers.providers.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.openai.OpenAiRequestBuilder;
import dev.switchyard.workers.providers.openai.OpenAiSampling;
import dev.switchyard.workers.providers.openai.ReasoningLevels;
import dev.switchyard.workers.providers.translate.Capabilities;
import dev.switchyard.workers.providers.translate.ChatMessages;
import dev.switchyard.workers.providers.translate.ExtraFields;
import dev.switchyard.workers.providers.translate.ReasoningEfforts;
import dev.switchyard.workers.providers.translate.ToolDefinitions;
import dev.switchyard.workers.providers.translate.UserIds;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds an OpenAI Responses API body ({@code POST /v1/responses}) from the internal request, for models the catalog
 * lists as {@code openai-responses}. The conversation becomes {@code input} items: messages ({@code input_text},
 * {@code input_image}, {@code input_file}; assistant text as {@code output_text}), {@code function_call} /
 * {@code custom_tool_call} items and their {@code *_output} items, and reasoning items carried in
 * {@code thinking_blocks}. Nothing is stored upstream ({@code store: false}); the answer is always streamed.
 *
 * <p>A client that spoke the Responses API gets its other fields ({@code include}, {@code prompt_cache_key},
 * {@code text.verbosity}, built-in tools, ...) through verbatim; from chat completions the fields both APIs share are
 * mapped; from other protocols what has no equivalent is dropped and noted.
 */
public final class ResponsesRequestBuilder {
    /** extra_json fields (client spoke Responses) this builder owns: never copied. */
    private static final Set<String> NOT_FORWARDED = Set.of("model", "input", "instructions", "stream", "tools",
            "tool_choice", "max_output_tokens", "temperature", "top_p", "user", "parallel_tool_calls", "store",
            "previous_response_id", "background", "conversation");
    /** Fields that mean the same in chat completions and the Responses API. */
    private static final Set<String> SHARED_WITH_CHAT = Set.of("prompt_cache_key", "prompt_cache_retention",
            "safety_identifier", "service_tier", "top_logprobs");
    private static final Set<String> MAPPED = Set.of("reasoning_effort", "verbosity", "thinking", "output_config",
            "output_format", "store", "logprobs");

    private ResponsesRequestBuilder() {
    }

    public static ObjectNode build(ChatRequest request, CatalogModel model, List<String> notes) {
        boolean sameProtocol = request.getProtocol() == ClientProtocol.OPENAI_RESPONSES;
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.upstream());
        JsonNode messages = Json.parse(request.getMessagesJson(), "messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("messages must be an array");
        }
        JsonNode tools = request.getToolsJson() == null ? null : Json.parse(request.getToolsJson(), "tools");
        Capabilities.check(model, messages, tools);

        ObjectNode extra = ExtraFields.of(request);
        if (sameProtocol) {
            ExtraFields.copyInto(body, extra, NOT_FORWARDED);
        } else {
            Set<String> mapped = new HashSet<>(MAPPED);
            if (request.getProtocol() == ClientProtocol.OPENAI_CHAT || request.getProtocol() == ClientProtocol.KAFKA) {
                for (String field : SHARED_WITH_CHAT) {
                    if (extra.has(field)) {
                        body.set(field, extra.get(field));
                        mapped.add(field);
                    }
                }
                if (extra.path("verbosity").isTextual()) {
                    body.putObject("text").put("verbosity", extra.get("verbosity").asText());
                }
            }
            ExtraFields.noteDropped(extra, mapped, request.getProtocol(), "the OpenAI Responses API", notes);
        }

        Set<String> customTools = ToolDefinitions.customToolNames(tools);
        body.set("input", input(messages, customTools, sameProtocol, notes));
        Set<String> kept = tools(body, tools, sameProtocol, model, notes);
        toolChoice(body, request.getToolChoiceJson(), kept, customTools, notes);
        if (request.getParallelToolCalls() != null && body.has("tools")) {
            body.put("parallel_tool_calls", request.getParallelToolCalls());
        }
        responseFormat(body, request.getResponseFormatJson());

        boolean reasoningModel = OpenAiRequestBuilder.isReasoningModel(model) || model.supports("reasoning");
        Optional<ReasoningLevels> levels = reasoningModel ? ReasoningLevels.of(model.upstream()) : Optional.empty();
        String effort = reasoning(request, model, reasoningModel, levels, body, notes);
        OpenAiSampling.apply(request, model, reasoningModel, levels, effort, body, List.of("top_logprobs"), notes);
        if (body.path("text").path("verbosity").isTextual() && !"medium".equals(body.get("text").get("verbosity").asText())
                && !OpenAiRequestBuilder.takesVerbosityLevels(model)) {
            ObjectNode text = (ObjectNode) body.get("text");
            notes.add("text.verbosity " + text.remove("verbosity").asText() + " dropped: " + model.id() + " answers only at medium");
            if (text.isEmpty()) {
                body.remove("text");
            }
        }
        if (!request.getStop().isEmpty()) {
            notes.add("stop sequences dropped: the Responses API has none");
        }
        if (request.getSeed() != null) {
            notes.add("seed dropped: the Responses API has none");
        }
        if (request.getMaxTokens() != null) {
            body.put("max_output_tokens", request.getMaxTokens());
        }
        if (request.getUserId() != null) {
            body.put("user", UserIds.forOpenAi(request.getUserId()));
        }
        body.put("store", false); // Switchyard keeps no upstream state: every request carries its whole conversation
        body.put("stream", true);
        return body;
    }

    // ---- input items ----

    static ArrayNode input(JsonNode messages, Set<String> customTools, boolean sameProtocol, List<String> notes) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        Set<String> customCalls = new HashSet<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> items.add(message(role, contentParts(message.get("content"), "input_text", notes)));
                case "user" -> items.add(message("user", contentParts(message.get("content"), "input_text", notes)));
                case "assistant" -> assistant(message, items, customTools, customCalls, sameProtocol, notes);
                case "tool", "function" -> {
                    String callId = message.path("tool_call_id").asText("");
                    ObjectNode output = items.addObject();
                    output.put("type", customCalls.contains(callId) ? "custom_tool_call_output" : "function_call_output");
                    output.put("call_id", callId);
                    String text = ChatMessages.text(message.get("content"));
                    output.put("output", message.path("is_error").asBoolean(false) ? "Error: " + text : text);
                }
                default -> throw new IllegalArgumentException("unsupported message role '" + role + "'");
            }
        }
        return items;
    }

    private static void assistant(JsonNode message, ArrayNode items, Set<String> customTools, Set<String> customCalls,
                                  boolean sameProtocol, List<String> notes) {
        for (JsonNode block : message.path("thinking_blocks")) {
            if ("reasoning".equals(block.path("type").asText()) && block.hasNonNull("encrypted_content")) {
                ObjectNode reasoning = items.addObject().put("type", "reasoning");
                if (block.hasNonNull("id")) {
                    reasoning.put("id", block.get("id").asText());
                }
                reasoning.set("summary", block.has("summary") ? block.get("summary") : Json.MAPPER.createArrayNode());
                reasoning.put("encrypted_content", block.get("encrypted_content").asText());
            }
            // Anthropic's signed thinking means nothing to OpenAI
        }
        for (JsonNode item : message.path("native_items")) {
            if (sameProtocol) {
                items.add(item);
            } else {
                notes.add("a '" + item.path("type").asText() + "' item of the conversation history was dropped");
            }
        }
        String text = ChatMessages.text(message.get("content"));
        if (!text.isEmpty()) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
            items.add(message("assistant", content));
        }
        for (JsonNode call : message.path("tool_calls")) {
            String name = call.path("function").path("name").asText("");
            String arguments = call.path("function").path("arguments").asText("");
            String callId = call.path("id").asText("");
            ObjectNode item = items.addObject();
            if (customTools.contains(name)) {
                customCalls.add(callId);
                item.put("type", "custom_tool_call").put("call_id", callId).put("name", name)
                        .put("input", ToolDefinitions.customInput(arguments));
            } else {
                item.put("type", "function_call").put("call_id", callId).put("name", name).put("arguments", arguments);
            }
        }
    }

    private static ObjectNode message(String role, JsonNode content) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("type", "message").put("role", role);
        message.set("content", content);
        return message;
    }

    /** Chat content (a string or parts) as Responses content parts. */
    private static ArrayNode contentParts(JsonNode content, String textType, List<String> notes) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("type", textType).put("text", content.asText());
            return parts;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> parts.addObject().put("type", textType).put("text", part.path("text").asText(""));
                case "image_url" -> {
                    JsonNode image = part.path("image_url");
                    ObjectNode out = parts.addObject().put("type", "input_image")
                            .put("image_url", image.isTextual() ? image.asText() : image.path("url").asText(""));
                    out.put("detail", image.path("detail").asText("auto"));
                }
                case "file" -> {
                    JsonNode file = part.path("file");
                    ObjectNode out = parts.addObject().put("type", "input_file");
                    if (file.hasNonNull("file_data")) {
                        out.put("file_data", file.get("file_data").asText());
                        out.put("filename", file.path("filename").asText("file.pdf"));
                    } else if (file.hasNonNull("file_url")) {
                        out.put("file_url", file.get("file_url").asText());
                    } else if (file.hasNonNull("file_id")) {
                        out.put("file_id", file.get("file_id").asText());
                    }
                }
                default -> notes.add("a '" + type + "' content part was dropped: the Responses API has no equivalent");
            }
        }
        return parts;
    }

    // ---- tools ----

    private static Set<String> tools(ObjectNode body, JsonNode tools, boolean sameProtocol, CatalogModel model, List<String> notes) {
        Set<String> kept = new HashSet<>();
        if (tools == null || !tools.isArray()) {
            return kept;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode tool : tools) {
            String name = ToolDefinitions.name(tool);
            switch (ToolDefinitions.kind(tool)) {
                case FUNCTION -> {
                    JsonNode function = tool.path("function");
                    ObjectNode flat = out.addObject().put("type", "function").put("name", name);
                    if (function.hasNonNull("description")) {
                        flat.put("description", function.get("description").asText());
                    }
                    flat.set("parameters", function.path("parameters").isObject() ? function.get("parameters")
                            : Json.MAPPER.createObjectNode().put("type", "object"));
                    flat.put("strict", function.path("strict").asBoolean(false));
                    kept.add(name);
                }
                case CUSTOM -> {
                    JsonNode custom = tool.path("custom");
                    ObjectNode flat = out.addObject().put("type", "custom").put("name", name);
                    if (custom.hasNonNull("description")) {
                        flat.put("description", custom.get("description").asText());
                    }
                    if (custom.has("format")) {
                        flat.set("format", custom.get("format"));
                    }
                    kept.add(name);
                }
                case NATIVE -> {
                    if (sameProtocol) {
                        out.add(tool);
                        kept.add(name);
                    } else {
                        notes.add("tool '" + name + "' (type " + tool.path("type").asText() + ") dropped: " + model.id()
                                + " cannot call it through the Responses API");
                    }
                }
            }
        }
        if (!out.isEmpty()) {
            body.set("tools", out);
        }
        return kept;
    }

    private static void toolChoice(ObjectNode body, String choiceJson, Set<String> kept, Set<String> customTools, List<String> notes) {
        if (choiceJson == null || choiceJson.isBlank() || !body.has("tools")) {
            return;
        }
        JsonNode choice = Json.parse(choiceJson, "tool_choice");
        if (choice.isTextual()) {
            body.set("tool_choice", choice);
            return;
        }
        String name = choice.path("function").path("name").asText(choice.path("custom").path("name").asText(choice.path("name").asText(null)));
        if (name == null) {
            body.set("tool_choice", choice); // allowed_tools and the like: the client's own Responses shape
            return;
        }
        if (!kept.contains(name)) {
            notes.add("tool_choice '" + name + "' dropped: that tool was not sent");
            return;
        }
        body.putObject("tool_choice").put("type", customTools.contains(name) ? "custom" : "function").put("name", name);
    }

    /** Chat's response_format as the Responses API's {@code text.format}. */
    private static void responseFormat(ObjectNode body, String formatJson) {
        if (formatJson == null) {
            return;
        }
        JsonNode format = Json.parse(formatJson, "response_format");
        ObjectNode text = body.has("text") && body.get("text").isObject() ? (ObjectNode) body.get("text") : body.putObject("text");
        String type = format.path("type").asText("text");
        ObjectNode out = text.putObject("format").put("type", type);
        if (type.equals("json_schema")) {
            JsonNode schema = format.path("json_schema");
            out.put("name", schema.path("name").asText("response"));
            out.set("schema", schema.path("schema"));
            if (schema.has("strict")) {
                out.put("strict", schema.path("strict").asBoolean());
            }
            if (schema.hasNonNull("description")) {
                out.put("description", schema.get("description").asText());
            }
        }
    }

    /**
     * The client's reasoning request as the {@code reasoning} object, its effort the closest the model accepts
     * ({@link ReasoningLevels}; the client's own object is kept, its effort adjusted); for a model that does not reason,
     * none. Returns the effort sent, or null when none is.
     */
    private static String reasoning(ChatRequest request, CatalogModel model, boolean reasoningModel,
                                    Optional<ReasoningLevels> levels, ObjectNode body, List<String> notes) {
        String effort = request.getReasoning() == null ? null : ReasoningEfforts.effortOf(request.getReasoning());
        String summary = request.getReasoning() == null ? null : request.getReasoning().getSummary();
        if (!reasoningModel || levels.map(l -> l.efforts().isEmpty()).orElse(false)) {
            // Also the client's own reasoning object and its request for encrypted reasoning items (Codex sends both):
            // OpenAI refuses them on a model that does not reason, and a router's variant without reasoning must answer
            // what another variant with reasoning answers.
            boolean given = body.remove("reasoning") != null;
            given |= dropEncryptedReasoning(body);
            if (given || effort != null || summary != null) {
                notes.add("reasoning request dropped: " + model.id() + " is not a reasoning model");
            }
            return null;
        }
        if (body.path("reasoning").isObject()) {
            ObjectNode own = (ObjectNode) body.get("reasoning");
            if (!own.path("effort").isTextual()) {
                return null;
            }
            String asked = own.get("effort").asText();
            String sent = levels.flatMap(l -> l.closest(asked)).orElse(asked);
            if (!sent.equals(asked)) {
                own.put("effort", sent);
                notes.add("reasoning.effort " + asked + " sent as " + sent + ", the closest " + model.id() + " accepts "
                        + levels.get().efforts());
            }
            return sent;
        }
        if (effort == null && summary == null) {
            return null;
        }
        ObjectNode reasoning = body.putObject("reasoning");
        String sent = null;
        if (effort != null) {
            sent = levels.isPresent() ? levels.get().closest(effort).orElseThrow()
                    : ReasoningEfforts.openAiEffort(effort);
            reasoning.put("effort", sent);
            notes.add("reasoning request mapped to reasoning.effort=" + sent);
        }
        if (summary != null) {
            reasoning.put("summary", summary);
        }
        return sent;
    }

    /** Removes {@code reasoning.encrypted_content} from {@code include} (and {@code include} when nothing is left). */
    private static boolean dropEncryptedReasoning(ObjectNode body) {
        JsonNode include = body.get("include");
        if (include == null || !include.isArray()) {
            return false;
        }
        boolean dropped = false;
        for (Iterator<JsonNode> items = include.iterator(); items.hasNext(); ) {
            if ("reasoning.encrypted_content".equals(items.next().asText())) {
                items.remove();
                dropped = true;
            }
        }
        if (include.isEmpty()) {
            body.remove("include");
        }
        return dropped;
    }
}
