package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the internal (OpenAI chat-completions shaped) request into an Anthropic Messages body: system messages
 * become the top-level {@code system}; assistant tool_calls become {@code tool_use} blocks and {@code tool} messages
 * become the user's {@code tool_result} blocks; consecutive turns of the same role are merged (Anthropic wants
 * alternating turns); tools, tool_choice, stop and sampling parameters are mapped. Only {@code metadata.user_id}
 * is sent: Anthropic rejects any other metadata key, and routing metadata is never forwarded anyway.
 */
public final class AnthropicRequestBuilder {
    public static final int DEFAULT_MAX_TOKENS = 8192;

    private static final Pattern DATA_URL = Pattern.compile("^data:([^;,]+);base64,(.*)$", Pattern.DOTALL);
    /** claude-<family>-<major>[-<minor>], claude-<major>[-<minor>]-<family>; a minor of more than 2 digits is a date. */
    private static final Pattern VERSION = Pattern.compile("claude-(?:[a-z]+-)?(\\d{1,2})(?:[-.](\\d{1,2})(?!\\d))?");

    /** extra_json fields (client spoke Anthropic) this builder owns, plus routing fields: never copied. */
    private static final Set<String> NOT_FORWARDED = Set.of("model", "messages", "system", "max_tokens", "stream",
            "metadata", "fallback", "models", "route", "router", "tools", "tool_choice", "stop_sequences", "temperature",
            "top_p");

    private AnthropicRequestBuilder() {
    }

    public static ObjectNode build(ChatRequest request, CatalogModel model, List<String> notes) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.upstream());

        if (request.getProtocol() == ClientProtocol.ANTHROPIC_MESSAGES && request.getExtraJson() != null) {
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

        JsonNode messages = Json.parse(request.getMessagesJson(), "messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("messages must be an array");
        }
        Translated translated = translateMessages(messages, notes);
        if (!translated.system().isEmpty()) {
            body.put("system", String.join("\n\n", translated.system()));
        }
        body.set("messages", translated.messages());

        int maxTokens = request.getMaxTokens() != null ? request.getMaxTokens()
                : model.maxOutput() != null ? Math.min(model.maxOutput(), DEFAULT_MAX_TOKENS) : DEFAULT_MAX_TOKENS;
        body.put("max_tokens", maxTokens);

        if (request.getToolsJson() != null) {
            ArrayNode tools = translateTools(Json.parse(request.getToolsJson(), "tools"));
            if (!tools.isEmpty()) {
                body.set("tools", tools);
            }
        }
        JsonNode parallel = extraField(request, "parallel_tool_calls");
        ObjectNode toolChoice = request.getToolChoiceJson() == null ? null
                : translateToolChoice(Json.parse(request.getToolChoiceJson(), "tool_choice"));
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean() && body.has("tools")) {
            if (toolChoice == null) {
                toolChoice = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            if (!"none".equals(toolChoice.path("type").asText())) {
                toolChoice.put("disable_parallel_tool_use", true);
            }
        }
        if (toolChoice != null) {
            body.set("tool_choice", toolChoice);
        }

        if (!request.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            request.getStop().forEach(stop::add);
        }
        Double temperature = request.getTemperature();
        Double topP = request.getTopP();
        if (temperature != null && topP != null && onlyOneSamplingParameter(model.upstream())) {
            notes.add("top_p " + topP + " dropped: " + model.id() + " accepts temperature or top_p, not both");
            topP = null;
        }
        if (temperature != null) {
            if (temperature > 1.0) {
                notes.add("temperature " + temperature + " clamped to 1.0 (Anthropic's maximum)");
                temperature = 1.0;
            }
            body.put("temperature", temperature);
        }
        if (topP != null) {
            body.put("top_p", topP);
        }
        if (request.getSeed() != null) {
            notes.add("seed dropped: Anthropic has no seed parameter");
        }
        if (request.getResponseFormatJson() != null) {
            JsonNode format = Json.parse(request.getResponseFormatJson(), "response_format");
            if (!"text".equals(format.path("type").asText())) {
                notes.add("response_format " + format.path("type").asText() + " dropped: not supported by Anthropic Messages");
            }
        }
        if (request.getUserId() != null) {
            body.putObject("metadata").put("user_id", request.getUserId());
        }
        body.put("stream", true);
        return body;
    }

    /** Claude 4.5 and later reject temperature and top_p together. */
    static boolean onlyOneSamplingParameter(String upstream) {
        Matcher m = VERSION.matcher(upstream);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
        return major > 4 || (major == 4 && minor >= 5);
    }

    record Translated(List<String> system, ArrayNode messages) {
    }

    static Translated translateMessages(JsonNode messages, List<String> notes) {
        List<String> system = new ArrayList<>();
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    String text = textOf(message.get("content"));
                    if (!text.isEmpty()) {
                        system.add(text);
                    }
                }
                case "user" -> append(out, "user", userContent(message.get("content"), notes));
                case "assistant" -> append(out, "assistant", assistantContent(message, notes));
                case "tool", "function" -> append(out, "user", toolResult(message));
                default -> throw new IllegalArgumentException("unsupported message role '" + role + "'");
            }
        }
        return new Translated(system, out);
    }

    /** Adds a turn, merging it into the previous one when the role is the same. */
    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!out.isEmpty()) {
            ObjectNode last = (ObjectNode) out.get(out.size() - 1);
            if (role.equals(last.path("role").asText())) {
                ((ArrayNode) last.get("content")).addAll(blocks);
                return;
            }
        }
        ObjectNode turn = out.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    private static ArrayNode userContent(JsonNode content, List<String> notes) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText(""));
                case "image_url" -> {
                    JsonNode image = part.path("image_url");
                    String url = image.isTextual() ? image.asText() : image.path("url").asText("");
                    blocks.add(source("image", url));
                }
                case "file" -> {
                    String data = part.path("file").path("file_data").asText("");
                    if (data.startsWith("data:application/pdf")) {
                        blocks.add(source("document", data));
                    } else {
                        notes.add("a file part was dropped: only PDF data URLs are passed to Anthropic");
                    }
                }
                default -> notes.add("a '" + type + "' content part was dropped: Anthropic Messages has no equivalent");
            }
        }
        return blocks;
    }

    /** An image or document block from a data URL (base64 source) or a plain URL (url source). */
    private static ObjectNode source(String blockType, String url) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", blockType);
        ObjectNode source = block.putObject("source");
        Matcher m = DATA_URL.matcher(url);
        if (m.matches()) {
            source.put("type", "base64").put("media_type", m.group(1)).put("data", m.group(2));
        } else {
            source.put("type", "url").put("url", url);
        }
        return block;
    }

    private static ArrayNode assistantContent(JsonNode message, List<String> notes) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (type.equals("text")) {
                    addText(blocks, part.path("text").asText(""));
                } else if (type.equals("refusal")) {
                    addText(blocks, part.path("refusal").asText(""));
                }
            }
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            ObjectNode use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText(""));
            use.put("name", function.path("name").asText(""));
            use.set("input", parseArguments(function.path("arguments").asText(""), notes));
        }
        return blocks;
    }

    private static JsonNode parseArguments(String arguments, List<String> notes) {
        if (arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed.isObject()) {
                return parsed;
            }
        } catch (Exception e) {
            // fall through
        }
        notes.add("tool call arguments that were not a JSON object were sent as {}");
        return Json.MAPPER.createObjectNode();
    }

    private static ArrayNode toolResult(JsonNode message) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ObjectNode result = blocks.addObject();
        result.put("type", "tool_result");
        String id = message.hasNonNull("tool_call_id") ? message.get("tool_call_id").asText() : message.path("name").asText("");
        result.put("tool_use_id", id);
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            ArrayNode parts = result.putArray("content");
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText()) && !part.path("text").asText("").isEmpty()) {
                    parts.addObject().put("type", "text").put("text", part.path("text").asText());
                }
            }
        } else {
            result.put("content", content == null || content.isNull() ? "" : content.asText());
        }
        return blocks;
    }

    static ArrayNode translateTools(JsonNode tools) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode tool : tools) {
            JsonNode function = tool.has("function") ? tool.get("function") : tool;
            ObjectNode def = out.addObject();
            def.put("name", function.path("name").asText(""));
            if (function.hasNonNull("description")) {
                def.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && parameters.isObject()) {
                def.set("input_schema", parameters);
            } else {
                def.putObject("input_schema").put("type", "object").putObject("properties");
            }
        }
        return out;
    }

    static ObjectNode translateToolChoice(JsonNode choice) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "none" -> out.put("type", "none");
                case "required" -> out.put("type", "any");
                default -> out.put("type", "auto");
            }
            return out;
        }
        String name = choice.path("function").path("name").asText(null);
        if (name != null) {
            out.put("type", "tool").put("name", name);
        } else {
            out.put("type", "auto");
        }
        return out;
    }

    private static JsonNode extraField(ChatRequest request, String field) {
        if (request.getExtraJson() == null) {
            return null;
        }
        JsonNode extra = Json.parse(request.getExtraJson(), "extra fields");
        return extra.get(field);
    }

    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) { // Anthropic rejects empty text blocks
            blocks.addObject().put("type", "text").put("text", text);
        }
    }

    private static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.hasNonNull("text")) {
                parts.add(part.get("text").asText());
            }
        }
        return String.join("\n", parts);
    }
}
