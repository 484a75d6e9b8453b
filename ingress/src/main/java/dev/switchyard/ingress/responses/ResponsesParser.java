package dev.switchyard.ingress.responses;

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
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.openai.OpenAiFields;
import io.vertx.core.MultiMap;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI Responses API body ({@code POST /v1/responses}, what Codex CLI sends) into the internal
 * {@link ChatRequest}: {@code instructions} and {@code input} items become OpenAI-shaped messages (message items,
 * {@code function_call}/{@code custom_tool_call} items as the assistant's tool_calls, their {@code *_output} items as
 * tool messages, {@code reasoning} items as {@code thinking_blocks}, built-in tool items as {@code native_items});
 * function and custom tools become chat tools, built-in tools ({@code web_search}, {@code tool_search},
 * {@code namespace}, ...) are kept verbatim for Responses targets; {@code text.format} becomes response_format and
 * {@code reasoning} the protocol-neutral reasoning request. Switchyard keeps no conversation state, so
 * {@code previous_response_id}, {@code conversation}, {@code background} and {@code store: true} are a clear 400
 * ({@code store: false}, which Codex always sends, is fine).
 */
public final class ResponsesParser {
    private static final Set<String> NOT_EXTRA = Set.of("model", "input", "instructions", "stream", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "metadata", "fallback", "models",
            "fallbacks", "user");

    private final ModelResolver models;

    public ResponsesParser(ModelResolver models) {
        this.models = models;
    }

    public ChatRequest parse(JsonNode body, MultiMap headers, RequestEnvelope envelope) {
        OpenAiFields.requireObject(body);
        String model = OpenAiFields.requiredModel(body, "Missing required parameter: 'model'.");
        unsupported(body);
        ArrayNode messages = Json.MAPPER.createArrayNode();
        JsonNode instructions = body.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw ApiException.invalidType("instructions", "a string", Json.describe(instructions));
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        input(body.get("input"), messages);
        ChatRequest.Builder request = envelope.newRequest(ClientProtocol.OPENAI_RESPONSES)
                .setMessagesJson(Json.write(messages))
                .setStream(OpenAiFields.flag(body, "stream"))
                .setIncludeUsage(false)
                .setMaxTokens(OpenAiFields.optPositiveInt(body, "max_output_tokens"))
                .setTemperature(OpenAiFields.optDouble(body, "temperature"))
                .setTopP(OpenAiFields.optDouble(body, "top_p"))
                .setStop(List.of())
                .setSeed(null)
                .setToolsJson(tools(body.get("tools")))
                .setToolChoiceJson(toolChoice(body.get("tool_choice")))
                .setParallelToolCalls(OpenAiFields.optBoolean(body, "parallel_tool_calls"))
                .setResponseFormatJson(responseFormat(body.get("text")))
                .setReasoning(reasoning(body.get("reasoning")))
                .setMetadata(RoutingMetadata.merge(body.get("metadata"), headers, "metadata"))
                .setUserId(OpenAiFields.stickyUser(body, headers))
                .setFallback(RequestFields.fallback(body, models, OpenAiFields::invalidFallback))
                .setExtraJson(RequestFields.extraJson(body, NOT_EXTRA))
                .setProviderHeaders(RequestFields.providerHeaders(headers))
                .setApiKeyId(null);
        request.setModel(models.resolve(model)); // last: a 400 for the body's shape comes before a 404 for its model
        return request.build();
    }

    /** What needs state Switchyard doesn't keep. */
    private static void unsupported(JsonNode body) {
        if (body.hasNonNull("previous_response_id")) {
            throw ApiException.invalid("previous_response_id", "unsupported_parameter", "previous_response_id is not supported: "
                    + "Switchyard keeps no response state. Send the whole conversation in 'input' (with store: false).");
        }
        if (body.hasNonNull("conversation")) {
            throw ApiException.invalid("conversation", "unsupported_parameter", "conversation is not supported: Switchyard keeps no "
                    + "conversation state. Send the whole conversation in 'input'.");
        }
        if (body.path("store").asBoolean(false)) {
            throw ApiException.invalid("store", "unsupported_value", "store: true is not supported: Switchyard does not store "
                    + "responses. Send store: false.");
        }
        if (body.path("background").asBoolean(false)) {
            throw ApiException.invalid("background", "unsupported_value", "background: true is not supported: Switchyard answers "
                    + "while the client waits.");
        }
    }

    // ---- input ----

    private static void input(JsonNode input, ArrayNode out) {
        if (input == null || input.isNull()) {
            throw ApiException.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'.");
        }
        if (input.isTextual()) {
            out.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray()) {
            throw ApiException.invalidType("input", "a string or an array of input items", Json.describe(input));
        }
        if (input.isEmpty()) {
            throw ApiException.invalid("input", "empty_array", "Invalid 'input': empty array. Expected an array with minimum length 1.");
        }
        Set<String> calls = new HashSet<>();
        ObjectNode assistant = null; // the assistant turn being built from consecutive output items
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String at = "input[" + i + "]";
            if (!item.isObject()) {
                throw ApiException.invalidType(at, "an object", Json.describe(item));
            }
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "message" -> {
                    String role = item.path("role").asText("");
                    if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
                        throw ApiException.invalid(at + ".role", "invalid_value", "Invalid value: '" + role
                                + "'. Supported values are: 'assistant', 'system', 'developer', and 'user'.");
                    }
                    JsonNode content = content(item.get("content"), at + ".content");
                    if (role.equals("assistant")) {
                        assistant = assistant != null ? assistant : out.addObject().put("role", "assistant");
                        appendAssistantText(assistant, content);
                    } else {
                        assistant = null;
                        out.addObject().put("role", role).set("content", content);
                    }
                }
                case "function_call", "custom_tool_call" -> {
                    String callId = requiredText(item, "call_id", at);
                    String name = requiredText(item, "name", at);
                    calls.add(callId);
                    assistant = assistant != null ? assistant : out.addObject().put("role", "assistant");
                    ArrayNode toolCalls = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls") : assistant.putArray("tool_calls");
                    String arguments = type.equals("function_call") ? item.path("arguments").asText("")
                            : Json.write(Json.object().put("input", item.path("input").asText("")));
                    toolCalls.addObject().put("id", callId).put("type", "function")
                            .putObject("function").put("name", name).put("arguments", arguments);
                }
                case "function_call_output", "custom_tool_call_output" -> {
                    String callId = requiredText(item, "call_id", at);
                    if (!calls.contains(callId)) {
                        throw ApiException.invalid("input", null, "No tool call found for function call output with call_id " + callId + ".");
                    }
                    assistant = null;
                    ObjectNode tool = out.addObject().put("role", "tool").put("tool_call_id", callId);
                    JsonNode output = item.get("output");
                    tool.set("content", output == null || output.isNull() ? Json.MAPPER.getNodeFactory().textNode("")
                            : output.isTextual() ? output : content(output, at + ".output"));
                }
                case "reasoning" -> {
                    assistant = assistant != null ? assistant : out.addObject().put("role", "assistant");
                    ArrayNode thinking = assistant.has("thinking_blocks") ? (ArrayNode) assistant.get("thinking_blocks")
                            : assistant.putArray("thinking_blocks");
                    ObjectNode block = thinking.addObject().put("type", "reasoning");
                    Json.copyIfPresent(item, block, "id");
                    Json.copyIfPresent(item, block, "summary");
                    Json.copyIfPresent(item, block, "encrypted_content");
                }
                case "item_reference" -> throw ApiException.invalid(at, "unsupported_value",
                        "item_reference is not supported: Switchyard keeps no response state. Send the items themselves.");
                default -> {
                    if (type.isEmpty()) {
                        throw ApiException.invalid(at + ".type", "missing_required_parameter", "Missing required parameter: '" + at + ".type'.");
                    }
                    // A built-in tool's item (web_search_call, local_shell_call, ...): only a Responses target can read it.
                    assistant = assistant != null ? assistant : out.addObject().put("role", "assistant");
                    ArrayNode natives = assistant.has("native_items") ? (ArrayNode) assistant.get("native_items") : assistant.putArray("native_items");
                    natives.add(item);
                }
            }
        }
        for (JsonNode message : out) {
            if ("assistant".equals(message.path("role").asText()) && !message.has("content")) {
                ((ObjectNode) message).putNull("content");
            }
        }
    }

    private static void appendAssistantText(ObjectNode assistant, JsonNode content) {
        StringBuilder text = new StringBuilder(assistant.path("content").asText(""));
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                text.append(part.path("text").asText(""));
            }
        }
        assistant.put("content", text.toString());
    }

    /** Responses content (a string or parts) as chat content parts. */
    private static JsonNode content(JsonNode content, String at) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("type", "text").put("text", content.asText());
            return parts;
        }
        if (!content.isArray()) {
            throw ApiException.invalidType(at, "a string or an array of content parts", Json.describe(content));
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText("");
            switch (type) {
                case "input_text", "output_text", "text" -> parts.addObject().put("type", "text").put("text", part.path("text").asText(""));
                case "refusal" -> parts.addObject().put("type", "text").put("text", part.path("refusal").asText(""));
                case "input_image" -> {
                    if (part.hasNonNull("image_url")) {
                        ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                                .put("url", part.get("image_url").asText());
                        if (part.hasNonNull("detail")) {
                            image.put("detail", part.get("detail").asText());
                        }
                    } else {
                        parts.add(part); // a file_id: Responses targets only
                    }
                }
                case "input_file" -> {
                    ObjectNode file = Json.object();
                    if (part.hasNonNull("file_data")) {
                        String data = part.get("file_data").asText();
                        file.put("file_data", data.startsWith("data:") ? data : "data:application/pdf;base64," + data);
                    } else if (part.hasNonNull("file_url")) {
                        file.put("file_url", part.get("file_url").asText());
                    } else if (part.hasNonNull("file_id")) {
                        file.put("file_id", part.get("file_id").asText());
                    }
                    Json.copyIfPresent(part, file, "filename");
                    parts.addObject().put("type", "file").set("file", file);
                }
                default -> throw ApiException.invalid(at + "[" + i + "].type", "invalid_value", "Invalid value: '" + type
                        + "'. Supported values are: 'input_text', 'input_image', 'input_file', 'output_text' and 'refusal'.");
            }
        }
        return parts;
    }

    private static String requiredText(JsonNode item, String field, String at) {
        JsonNode value = item.get(field);
        if (value == null || !value.isTextual()) {
            throw ApiException.invalid(at + "." + field, "missing_required_parameter", "Missing required parameter: '" + at + "." + field + "'.");
        }
        return value.asText();
    }

    // ---- tools and formats ----

    private static String tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw ApiException.invalidType("tools", "an array", Json.describe(tools));
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asText("");
            switch (type) {
                case "function" -> {
                    String name = requiredText(tool, "name", "tools[" + i + "]");
                    ObjectNode function = out.addObject().put("type", "function").putObject("function").put("name", name);
                    Json.copyIfPresent(tool, function, "description");
                    if (tool.path("parameters").isObject()) {
                        function.set("parameters", tool.get("parameters"));
                    }
                    Json.copyIfPresent(tool, function, "strict");
                }
                case "custom" -> {
                    String name = requiredText(tool, "name", "tools[" + i + "]");
                    ObjectNode custom = out.addObject().put("type", "custom").putObject("custom").put("name", name);
                    Json.copyIfPresent(tool, custom, "description");
                    Json.copyIfPresent(tool, custom, "format");
                }
                case "" -> throw ApiException.invalid("tools[" + i + "].type", "missing_required_parameter",
                        "Missing required parameter: 'tools[" + i + "].type'.");
                default -> out.add(tool); // web_search, tool_search, namespace, local_shell, mcp, ...: Responses targets only
            }
        }
        return Json.write(out);
    }

    private static String toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            if (!Set.of("auto", "none", "required").contains(choice.asText())) {
                throw ApiException.invalid("tool_choice", "invalid_value", "Invalid value: '" + choice.asText()
                        + "'. Supported values are: 'none', 'auto', and 'required'.");
            }
            return Json.write(choice);
        }
        if (!choice.isObject()) {
            throw ApiException.invalidType("tool_choice", "a string or an object", Json.describe(choice));
        }
        String type = choice.path("type").asText("");
        if ((type.equals("function") || type.equals("custom")) && choice.path("name").isTextual()) {
            ObjectNode internal = Json.object().put("type", type);
            internal.putObject(type).put("name", choice.get("name").asText());
            return Json.write(internal);
        }
        return Json.write(choice); // allowed_tools, a built-in tool type: the client's own shape
    }

    /** {@code text.format} as chat's response_format. */
    private static String responseFormat(JsonNode text) {
        if (text == null || text.isNull()) {
            return null;
        }
        if (!text.isObject()) {
            throw ApiException.invalidType("text", "an object", Json.describe(text));
        }
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return null;
        }
        String type = format.path("type").asText("");
        switch (type) {
            case "text" -> {
                return null;
            }
            case "json_object" -> {
                return Json.write(Json.object().put("type", "json_object"));
            }
            case "json_schema" -> {
                if (!format.path("schema").isObject()) {
                    throw ApiException.invalid("text.format.schema", "missing_required_parameter", "Missing required parameter: 'text.format.schema'.");
                }
                ObjectNode internal = Json.object().put("type", "json_schema");
                ObjectNode schema = internal.putObject("json_schema").put("name", format.path("name").asText("response"));
                schema.set("schema", format.get("schema"));
                Json.copyIfPresent(format, schema, "strict");
                Json.copyIfPresent(format, schema, "description");
                return Json.write(internal);
            }
            default -> throw ApiException.invalid("text.format.type", "invalid_value", "Invalid value: '" + type
                    + "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
        }
    }

    private static ReasoningConfig reasoning(JsonNode reasoning) {
        if (reasoning == null || reasoning.isNull()) {
            return null;
        }
        if (!reasoning.isObject()) {
            throw ApiException.invalidType("reasoning", "an object", Json.describe(reasoning));
        }
        String effort = reasoning.hasNonNull("effort") ? reasoning.get("effort").asText() : null;
        String summary = reasoning.hasNonNull("summary") ? reasoning.get("summary").asText() : null;
        if (effort == null && summary == null) {
            return null;
        }
        return ReasoningConfig.newBuilder().setEffort(effort).setSummary(summary).build();
    }
}
