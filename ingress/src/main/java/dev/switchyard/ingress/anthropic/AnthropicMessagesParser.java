package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.chat.RequestFields;
import dev.switchyard.ingress.chat.RoutingMetadata;
import dev.switchyard.ingress.chat.SwitchyardHeaders;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an Anthropic Messages body ({@code POST /v1/messages}, or count_tokens) into the internal {@link ChatRequest}:
 * the conversation becomes OpenAI-shaped messages with the internal extensions (see provider-workers'
 * {@code providers.translate} package): {@code system} (string or text blocks with {@code cache_control}) becomes
 * system messages, {@code tool_use} blocks become tool_calls, {@code tool_result} blocks become tool messages (with
 * {@code is_error} and images), thinking blocks become {@code thinking_blocks}, images and PDFs become image_url and
 * file parts; other block types are kept verbatim for Anthropic targets. Validation follows Anthropic's: missing
 * {@code max_tokens}, empty {@code messages}, a {@code tool_result} without its {@code tool_use} are 400s; a
 * {@code role: "system"} message (what Claude Code sends for models it doesn't know) is read as system text, and
 * consecutive turns of one role are merged, as Anthropic does.
 */
public final class AnthropicMessagesParser {
    /** Fields with a typed home, or routing fields that never reach a provider. */
    private static final Set<String> NOT_EXTRA = Set.of("model", "messages", "system", "max_tokens", "stream",
            "stop_sequences", "temperature", "top_p", "tools", "tool_choice", "metadata", "fallback", "models",
            "fallbacks");
    private static final Set<String> THINKING_TYPES = Set.of("enabled", "disabled", "adaptive");

    private final ModelResolver models;

    public AnthropicMessagesParser(ModelResolver models) {
        this.models = models;
    }

    public ChatRequest parse(JsonNode body, MultiMap headers, RequestEnvelope envelope, boolean countTokens) {
        if (!body.isObject()) {
            throw invalid("The request body must be a JSON object.");
        }
        String model = requiredModel(body);
        Integer maxTokens = maxTokens(body, countTokens);
        ArrayNode messages = Json.MAPPER.createArrayNode();
        system(body.get("system"), messages);
        conversation(body.get("messages"), messages);
        ChatRequest.Builder request = envelope.newRequest(ClientProtocol.ANTHROPIC_MESSAGES)
                .setMessagesJson(Json.write(messages))
                .setStream(!countTokens && optBoolean(body, "stream"))
                .setIncludeUsage(false)
                .setMaxTokens(maxTokens)
                .setTemperature(optNumber(body, "temperature"))
                .setTopP(optNumber(body, "top_p"))
                .setStop(stopSequences(body))
                .setSeed(null)
                .setToolsJson(tools(body.get("tools")))
                .setMetadata(RoutingMetadata.merge(routingMetadata(body.get("metadata")), headers, "metadata"))
                .setUserId(stickyUser(body.get("metadata"), headers))
                .setFallback(RequestFields.fallback(body, models, e -> invalid(e.field() + ": " + e.getMessage())))
                .setExtraJson(RequestFields.extraJson(body, NOT_EXTRA))
                .setProviderHeaders(RequestFields.providerHeaders(headers))
                .setApiKeyId(null)
                .setCountTokens(countTokens);
        toolChoice(body.get("tool_choice"), request);
        reasoningAndFormat(body, request);
        request.setModel(models.resolve(model)); // last: a 400 for the body's shape comes before a 404 for its model
        return request.build();
    }

    // ---- top-level fields ----

    private static String requiredModel(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw invalid("model: Field required");
        }
        if (!model.isTextual() || model.asText().isBlank()) {
            throw invalid("model: Input should be a valid string");
        }
        return model.asText();
    }

    private static Integer maxTokens(JsonNode body, boolean countTokens) {
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            if (countTokens) {
                return null;
            }
            throw invalid("max_tokens: Field required");
        }
        if (!max.isIntegralNumber() || !max.canConvertToInt()) {
            throw invalid("max_tokens: Input should be a valid integer");
        }
        if (max.asInt() < 1) {
            throw invalid("max_tokens: Input should be greater than or equal to 1");
        }
        return max.asInt();
    }

    private static boolean optBoolean(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(name + ": Input should be a valid boolean");
        }
        return value.asBoolean();
    }

    private static Double optNumber(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw invalid(name + ": Input should be a valid number");
        }
        if (value.asDouble() < 0 || value.asDouble() > 1) {
            throw invalid(name + ": Input should be " + (value.asDouble() < 0 ? "greater than or equal to 0" : "less than or equal to 1"));
        }
        return value.asDouble();
    }

    private static List<String> stopSequences(JsonNode body) {
        JsonNode stop = body.get("stop_sequences");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (!stop.isArray()) {
            throw invalid("stop_sequences: Input should be a valid list");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw invalid("stop_sequences." + i + ": Input should be a valid string");
            }
            out.add(stop.get(i).asText());
        }
        return out;
    }

    // ---- system and messages ----

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                messages.addObject().put("role", "system").put("content", system.asText());
            }
            return;
        }
        if (!system.isArray()) {
            throw invalid("system: Input should be a valid string or list of text blocks");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!block.isObject() || !"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                throw invalid("system." + i + ": Input should be a text block ({\"type\": \"text\", \"text\": ...})");
            }
            parts.add(textPart(block));
        }
        if (!parts.isEmpty()) {
            messages.addObject().put("role", "system").set("content", parts);
        }
    }

    /** Validates the turns (merged by role, as Anthropic merges them) and appends them as internal messages. */
    private static void conversation(JsonNode value, ArrayNode out) {
        if (value == null || value.isNull()) {
            throw invalid("messages: Field required");
        }
        if (!value.isArray()) {
            throw invalid("messages: Input should be a valid list");
        }
        if (value.isEmpty()) {
            throw invalid("messages: at least one message is required");
        }
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode message = value.get(i);
            if (!message.isObject()) {
                throw invalid("messages." + i + ": Input should be a valid dictionary");
            }
            JsonNode role = message.get("role");
            if (role == null || role.isNull()) {
                throw invalid("messages." + i + ".role: Field required");
            }
            String r = role.asText("");
            if (!r.equals("user") && !r.equals("assistant") && !r.equals("system")) {
                throw invalid("messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
            List<JsonNode> blocks = blocks(message.get("content"), "messages." + i + ".content");
            boolean empty = blocks.stream().allMatch(b -> "text".equals(b.path("type").asText()) && b.path("text").asText().isEmpty());
            if (empty && !(r.equals("assistant") && i == value.size() - 1)) {
                throw invalid("messages." + i + ": all messages must have non-empty content except for the optional final assistant message");
            }
            if (r.equals("system")) {
                // Claude Code sends its system prompt this way for model names it doesn't know: read it as system text.
                ArrayNode parts = Json.MAPPER.createArrayNode();
                for (JsonNode block : blocks) {
                    if ("text".equals(block.path("type").asText())) {
                        parts.add(textPart(block));
                    }
                }
                if (!parts.isEmpty()) {
                    out.addObject().put("role", "system").set("content", parts);
                }
                continue;
            }
            if (!turns.isEmpty() && turns.get(turns.size() - 1).role.equals(r)) {
                turns.get(turns.size() - 1).blocks.addAll(blocks);
                turns.get(turns.size() - 1).indexes.add(i);
            } else {
                turns.add(new Turn(r, i, blocks));
            }
        }
        checkToolPairs(turns);
        for (Turn turn : turns) {
            if (turn.role.equals("user")) {
                user(turn.blocks, out);
            } else {
                assistant(turn.blocks, out);
            }
        }
    }

    private static final class Turn {
        final String role;
        final List<Integer> indexes = new ArrayList<>();
        final List<JsonNode> blocks;

        Turn(String role, int index, List<JsonNode> blocks) {
            this.role = role;
            this.indexes.add(index);
            this.blocks = new ArrayList<>(blocks);
        }
    }

    /** Each tool_result answers a tool_use of the turn just before, and each tool_use is answered in the next turn. */
    private static void checkToolPairs(List<Turn> turns) {
        for (int t = 0; t < turns.size(); t++) {
            Turn turn = turns.get(t);
            if (turn.role.equals("user")) {
                Set<String> uses = t > 0 ? ids(turns.get(t - 1).blocks, "tool_use", "id") : Set.of();
                for (String result : ids(turn.blocks, "tool_result", "tool_use_id")) {
                    if (!uses.contains(result)) {
                        throw invalid("messages." + turn.indexes.get(0) + ".content: unexpected `tool_use_id` found in `tool_result` "
                                + "blocks: " + result + ". Each `tool_result` block must have a corresponding `tool_use` block in "
                                + "the previous message.");
                    }
                }
            } else if (t + 1 < turns.size()) {
                Set<String> results = ids(turns.get(t + 1).blocks, "tool_result", "tool_use_id");
                List<String> missing = new ArrayList<>();
                for (String use : ids(turn.blocks, "tool_use", "id")) {
                    if (!results.contains(use)) {
                        missing.add(use);
                    }
                }
                if (!missing.isEmpty()) {
                    throw invalid("messages." + turn.indexes.get(0) + ": `tool_use` ids were found without `tool_result` blocks "
                            + "immediately after: " + String.join(", ", missing) + ". Each `tool_use` block must have a "
                            + "corresponding `tool_result` block in the next message.");
                }
            }
        }
    }

    private static Set<String> ids(List<JsonNode> blocks, String type, String field) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode block : blocks) {
            if (type.equals(block.path("type").asText())) {
                ids.add(block.path(field).asText());
            }
        }
        return ids;
    }

    /** The blocks of a content value (a string is one text block); every block must be an object with a type. */
    private static List<JsonNode> blocks(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            throw invalid(at + ": Field required");
        }
        List<JsonNode> blocks = new ArrayList<>();
        if (content.isTextual()) {
            blocks.add(Json.object().put("type", "text").put("text", content.asText()));
            return blocks;
        }
        if (!content.isArray()) {
            throw invalid(at + ": Input should be a valid string or list of content blocks");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            if (!block.isObject() || !block.path("type").isTextual()) {
                throw invalid(at + "." + i + ".type: Field required");
            }
            String type = block.get("type").asText();
            if (type.equals("text") && !block.path("text").isTextual()) {
                throw invalid(at + "." + i + ".text: Field required");
            }
            if (type.equals("tool_use") && (!block.path("id").isTextual() || !block.path("name").isTextual())) {
                throw invalid(at + "." + i + ": tool_use blocks need an id and a name");
            }
            if (type.equals("tool_result") && !block.path("tool_use_id").isTextual()) {
                throw invalid(at + "." + i + ".tool_use_id: Field required");
            }
            if ((type.equals("image") || type.equals("document")) && !block.path("source").isObject()) {
                throw invalid(at + "." + i + ".source: Field required");
            }
            blocks.add(block);
        }
        return blocks;
    }

    /** A user turn: its tool results first (as tool messages, which must follow the assistant's calls), then the rest. */
    private static void user(List<JsonNode> blocks, ArrayNode out) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (JsonNode block : blocks) {
            String type = block.path("type").asText();
            switch (type) {
                case "tool_result" -> out.add(toolMessage(block));
                case "text" -> {
                    if (!block.path("text").asText().isEmpty()) {
                        parts.add(textPart(block));
                    }
                }
                case "image" -> parts.add(image(block));
                case "document" -> parts.add(document(block));
                default -> parts.add(block); // search_result, container_upload, ...: for Anthropic targets only
            }
        }
        if (!parts.isEmpty()) {
            ObjectNode user = out.addObject().put("role", "user");
            if (parts.size() == 1 && isPlainText(parts.get(0))) {
                user.put("content", parts.get(0).get("text").asText());
            } else {
                user.set("content", parts);
            }
        }
    }

    private static ObjectNode toolMessage(JsonNode block) {
        ObjectNode tool = Json.object().put("role", "tool").put("tool_call_id", block.get("tool_use_id").asText());
        JsonNode content = block.get("content");
        if (content == null || content.isNull()) {
            tool.put("content", "");
        } else if (content.isTextual()) {
            tool.put("content", content.asText());
        } else {
            ArrayNode parts = tool.putArray("content");
            for (JsonNode part : content) {
                switch (part.path("type").asText()) {
                    case "text" -> parts.add(textPart(part));
                    case "image" -> parts.add(image(part));
                    default -> parts.add(part);
                }
            }
        }
        if (block.path("is_error").asBoolean(false)) {
            tool.put("is_error", true);
        }
        Json.copyIfPresent(block, tool, "cache_control");
        return tool;
    }

    private static void assistant(List<JsonNode> blocks, ArrayNode out) {
        ObjectNode assistant = Json.object().put("role", "assistant");
        ArrayNode parts = Json.MAPPER.createArrayNode();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        ArrayNode thinking = Json.MAPPER.createArrayNode();
        for (JsonNode block : blocks) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    if (!block.path("text").asText().isEmpty()) {
                        parts.add(textPart(block));
                    }
                }
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", block.get("id").asText()).put("type", "function");
                    JsonNode input = block.has("input") ? block.get("input") : Json.object();
                    call.putObject("function").put("name", block.get("name").asText()).put("arguments", Json.write(input));
                    Json.copyIfPresent(block, call, "cache_control");
                }
                case "thinking" -> {
                    ObjectNode t = thinking.addObject().put("type", "thinking").put("thinking", block.path("thinking").asText(""));
                    Json.copyIfPresent(block, t, "signature");
                }
                case "redacted_thinking" -> thinking.addObject().put("type", "redacted_thinking").put("data", block.path("data").asText(""));
                default -> parts.add(block); // server_tool_use, web_search_tool_result, ...: for Anthropic targets only
            }
        }
        if (!thinking.isEmpty()) {
            assistant.set("thinking_blocks", thinking);
        }
        if (parts.isEmpty()) {
            assistant.putNull("content");
        } else if (parts.size() == 1 && isPlainText(parts.get(0))) {
            assistant.put("content", parts.get(0).get("text").asText());
        } else {
            assistant.set("content", parts);
        }
        if (!calls.isEmpty()) {
            assistant.set("tool_calls", calls);
        }
        out.add(assistant);
    }

    private static ObjectNode textPart(JsonNode block) {
        ObjectNode part = Json.object().put("type", "text").put("text", block.path("text").asText(""));
        Json.copyIfPresent(block, part, "cache_control");
        Json.copyIfPresent(block, part, "citations");
        return part;
    }

    private static boolean isPlainText(JsonNode part) {
        return "text".equals(part.path("type").asText()) && part.size() == 2;
    }

    /** An Anthropic image (base64 or url source) as an image_url part. */
    private static JsonNode image(JsonNode block) {
        JsonNode source = block.path("source");
        String url = switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText("image/png") + ";base64," + source.path("data").asText("");
            case "url" -> source.path("url").asText("");
            default -> null;
        };
        if (url == null) {
            return block; // a file_id source: Anthropic targets only
        }
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        Json.copyIfPresent(block, part, "cache_control");
        return part;
    }

    /** A PDF document as a file part; a text document as text; other sources kept for Anthropic targets. */
    private static JsonNode document(JsonNode block) {
        JsonNode source = block.path("source");
        String type = source.path("type").asText();
        ObjectNode part;
        if (type.equals("base64") && "application/pdf".equals(source.path("media_type").asText())) {
            part = Json.object().put("type", "file");
            ObjectNode file = part.putObject("file").put("file_data", "data:application/pdf;base64," + source.path("data").asText(""));
            file.put("filename", block.path("title").asText("document.pdf"));
        } else if (type.equals("url")) {
            part = Json.object().put("type", "file");
            ObjectNode file = part.putObject("file").put("file_url", source.path("url").asText(""));
            if (block.hasNonNull("title")) {
                file.put("filename", block.get("title").asText());
            }
        } else if (type.equals("text") && !block.has("citations")) {
            String title = block.path("title").asText("");
            part = Json.object().put("type", "text").put("text", (title.isEmpty() ? "" : title + "\n\n") + source.path("data").asText(""));
        } else {
            return block;
        }
        Json.copyIfPresent(block, part, "cache_control");
        Json.copyIfPresent(block, part, "citations");
        Json.copyIfPresent(block, part, "context");
        return part;
    }

    // ---- tools ----

    private static String tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw invalid("tools: Input should be a valid list");
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw invalid("tools." + i + ": Input should be a valid dictionary");
            }
            String type = tool.path("type").asText("custom");
            if (!type.equals("custom")) {
                out.add(tool); // a server or client tool with a versioned type (web_search_20250305, bash_20250124, ...)
                continue;
            }
            if (!tool.path("name").isTextual() || tool.get("name").asText().isEmpty()) {
                throw invalid("tools." + i + ".custom.name: Field required");
            }
            if (!tool.path("input_schema").isObject()) {
                throw invalid("tools." + i + ".custom.input_schema: Field required");
            }
            ObjectNode internal = out.addObject().put("type", "function");
            ObjectNode function = internal.putObject("function").put("name", tool.get("name").asText());
            if (tool.hasNonNull("description")) {
                function.put("description", tool.get("description").asText());
            }
            function.set("parameters", tool.get("input_schema"));
            Json.copyIfPresent(tool, internal, "cache_control");
            ObjectNode anthropic = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = tool.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!Set.of("type", "name", "description", "input_schema", "cache_control").contains(field.getKey())) {
                    anthropic.set(field.getKey(), field.getValue()); // defer_loading, input_examples, strict, ...
                }
            }
            if (!anthropic.isEmpty()) {
                internal.set("anthropic", anthropic);
            }
        }
        return Json.write(out);
    }

    private static void toolChoice(JsonNode choice, ChatRequest.Builder request) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject() || !choice.path("type").isTextual()) {
            throw invalid("tool_choice: Input should be a valid dictionary with a type");
        }
        String internal = switch (choice.get("type").asText()) {
            case "auto" -> "\"auto\"";
            case "any" -> "\"required\"";
            case "none" -> "\"none\"";
            case "tool" -> {
                if (!choice.path("name").isTextual()) {
                    throw invalid("tool_choice.tool.name: Field required");
                }
                ObjectNode function = Json.object().put("type", "function");
                function.putObject("function").put("name", choice.get("name").asText());
                yield Json.write(function);
            }
            default -> throw invalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        };
        request.setToolChoiceJson(internal);
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            request.setParallelToolCalls(false);
        }
    }

    /** {@code thinking}, {@code output_config.effort} and structured-output formats in protocol-neutral terms. */
    private static void reasoningAndFormat(JsonNode body, ChatRequest.Builder request) {
        ReasoningConfig.Builder reasoning = null;
        JsonNode thinking = body.get("thinking");
        if (thinking != null && !thinking.isNull()) {
            String type = thinking.path("type").asText("");
            if (!thinking.isObject() || !THINKING_TYPES.contains(type)) {
                throw invalid("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
            }
            if (type.equals("enabled") && !thinking.path("budget_tokens").canConvertToInt()) {
                throw invalid("thinking.enabled.budget_tokens: Field required");
            }
            reasoning = ReasoningConfig.newBuilder().setMode(type)
                    .setBudgetTokens(type.equals("enabled") ? thinking.get("budget_tokens").asInt() : null);
        }
        JsonNode outputConfig = body.path("output_config");
        if (outputConfig.path("effort").isTextual()) {
            reasoning = reasoning != null ? reasoning : ReasoningConfig.newBuilder();
            reasoning.setEffort(outputConfig.get("effort").asText());
        }
        if (reasoning != null) {
            request.setReasoning(reasoning.build());
        }
        JsonNode format = outputConfig.has("format") ? outputConfig.get("format") : body.get("output_format");
        if (format != null && format.isObject() && "json_schema".equals(format.path("type").asText())) {
            ObjectNode internal = Json.object().put("type", "json_schema");
            internal.putObject("json_schema").put("name", "output").set("schema", format.path("schema"));
            request.setResponseFormatJson(Json.write(internal));
        }
    }

    // ---- routing fields ----

    /** Anthropic's metadata without user_id: Switchyard's routing metadata. */
    private static JsonNode routingMetadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return null;
        }
        if (!metadata.isObject()) {
            throw invalid("metadata: Input should be a valid dictionary");
        }
        ObjectNode routing = ((ObjectNode) metadata).deepCopy();
        routing.remove("user_id");
        return routing;
    }

    private static String stickyUser(JsonNode metadata, MultiMap headers) {
        JsonNode userId = metadata == null ? null : metadata.get("user_id");
        if (userId != null && !userId.isNull()) {
            if (!userId.isTextual()) {
                throw invalid("metadata.user_id: Input should be a valid string");
            }
            if (!userId.asText().isEmpty()) {
                return userId.asText();
            }
        }
        String header = headers.get(SwitchyardHeaders.USER);
        return header == null || header.isEmpty() ? null : header;
    }

    private static ApiException invalid(String message) {
        return ApiException.invalid(null, "invalid_request_error", message);
    }
}
