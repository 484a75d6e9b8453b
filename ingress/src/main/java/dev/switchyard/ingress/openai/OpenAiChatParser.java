package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.chat.RequestFields;
import dev.switchyard.ingress.chat.RoutingMetadata;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions body into the internal {@link ChatRequest}: validates what Switchyard relies on
 * (each failure is a 400 naming the parameter, in OpenAI's words), lifts the typed parameters into their fields, takes
 * the routing fields (metadata, fallback and other gateways' fallback lists, user) out of what is forwarded, and keeps
 * every other field in {@code extra_json} for OpenAI-compatible providers. Credentials are never read here.
 */
public final class OpenAiChatParser {
    /** Fields with a typed home in ChatRequest, or routing fields that must never reach a provider. */
    private static final Set<String> NOT_EXTRA = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "seed", "tools", "tool_choice", "response_format",
            "metadata", "fallback", "models", "fallbacks", "user", "parallel_tool_calls", "n");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");

    private final ModelResolver models;

    public OpenAiChatParser(ModelResolver models) {
        this.models = models;
    }

    public ChatRequest parse(JsonNode body, MultiMap headers, RequestEnvelope envelope) {
        OpenAiFields.requireObject(body);
        String model = OpenAiFields.requiredModel(body, "you must provide a model parameter");
        JsonNode messages = messages(body);
        choices(body);
        ChatRequest.Builder request = envelope.newRequest(ClientProtocol.OPENAI_CHAT)
                .setMessagesJson(Json.write(messages))
                .setStream(OpenAiFields.flag(body, "stream"))
                .setIncludeUsage(includeUsage(body))
                .setMaxTokens(maxTokens(body))
                .setTemperature(OpenAiFields.optDouble(body, "temperature"))
                .setTopP(OpenAiFields.optDouble(body, "top_p"))
                .setStop(stop(body))
                .setSeed(OpenAiFields.optLong(body, "seed"))
                .setToolsJson(tools(body))
                .setToolChoiceJson(OpenAiFields.optJson(body, "tool_choice", n -> n.isTextual() || n.isObject(), "a string or an object"))
                .setParallelToolCalls(OpenAiFields.optBoolean(body, "parallel_tool_calls"))
                .setResponseFormatJson(responseFormat(body))
                .setReasoning(reasoning(body))
                .setMetadata(RoutingMetadata.merge(body.get("metadata"), headers, "metadata"))
                .setUserId(OpenAiFields.stickyUser(body, headers))
                .setFallback(RequestFields.fallback(body, models, OpenAiFields::invalidFallback))
                .setExtraJson(RequestFields.extraJson(body, NOT_EXTRA))
                .setProviderHeaders(RequestFields.providerHeaders(headers))
                .setApiKeyId(null);
        request.setModel(models.resolve(model)); // last: a 400 for the body's shape comes before a 404 for its model
        return request.build();
    }

    private static JsonNode messages(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.");
        }
        if (!messages.isArray()) {
            throw ApiException.invalidType("messages", "an array of objects", Json.describe(messages));
        }
        if (messages.isEmpty()) {
            throw ApiException.invalid("messages", "empty_array",
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        }
        Set<String> openCalls = new java.util.HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw ApiException.invalidType(param, "an object", Json.describe(message));
            }
            JsonNode role = message.get("role");
            if (role == null || role.isNull()) {
                throw ApiException.invalid(param + ".role", "missing_required_parameter", "Missing required parameter: '" + param + ".role'.");
            }
            if (!role.isTextual()) {
                throw ApiException.invalidType(param + ".role", "a string", Json.describe(role));
            }
            if (role.asText().equals("assistant")) {
                for (JsonNode call : message.path("tool_calls")) {
                    openCalls.add(call.path("id").asText());
                }
            } else if (role.asText().equals("tool")) {
                JsonNode callId = message.get("tool_call_id");
                if (callId == null || !callId.isTextual()) {
                    throw ApiException.invalid(param + ".tool_call_id", "missing_required_parameter",
                            "Missing required parameter: '" + param + ".tool_call_id'.");
                }
                if (!openCalls.contains(callId.asText())) {
                    throw ApiException.invalid(param + ".role", null, "Invalid parameter: messages with role 'tool' must be a "
                            + "response to a preceeding message with 'tool_calls'.");
                }
            }
        }
        return messages;
    }

    /**
     * {@code n}: Switchyard streams one choice per request (the reply chunks carry one), so more than one is refused
     * rather than silently answered with one.
     */
    private static void choices(JsonNode body) {
        JsonNode n = body.get("n");
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isIntegralNumber()) {
            throw ApiException.invalidType("n", "an integer", Json.describe(n));
        }
        if (n.asInt() != 1) {
            throw ApiException.invalid("n", "unsupported_value", "Unsupported value: 'n' must be 1 through Switchyard, which "
                    + "returns one choice per request; send " + n.asInt() + " requests instead.");
        }
    }

    /** Tools must name their type, and function tools their name (what OpenAI itself checks first). */
    private static String tools(JsonNode body) {
        String json = OpenAiFields.optJson(body, "tools", JsonNode::isArray, "an array");
        if (json == null) {
            return null;
        }
        JsonNode tools = body.get("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw ApiException.invalidType(at, "an object", Json.describe(tool));
            }
            if (!tool.path("type").isTextual()) {
                throw ApiException.invalid(at + ".type", "missing_required_parameter", "Missing required parameter: '" + at + ".type'.");
            }
            String type = tool.get("type").asText();
            if ((type.equals("function") || type.equals("custom")) && !tool.path(type).path("name").isTextual()) {
                throw ApiException.invalid(at + "." + type + ".name", "missing_required_parameter",
                        "Missing required parameter: '" + at + "." + type + ".name'.");
            }
        }
        return json;
    }

    private static String responseFormat(JsonNode body) {
        String json = OpenAiFields.optJson(body, "response_format", JsonNode::isObject, "an object");
        if (json == null) {
            return null;
        }
        JsonNode format = body.get("response_format");
        String type = format.path("type").asText("");
        if (!RESPONSE_FORMATS.contains(type)) {
            throw ApiException.invalid("response_format.type", "invalid_value", "Invalid value: '" + type
                    + "'. Supported values are: 'text', 'json_object', and 'json_schema'.");
        }
        if (type.equals("json_schema") && !format.path("json_schema").path("name").isTextual()) {
            throw ApiException.invalid("response_format.json_schema.name", "missing_required_parameter",
                    "Missing required parameter: 'response_format.json_schema.name'.");
        }
        return json;
    }

    /** {@code reasoning_effort} as the protocol-neutral reasoning request (it also stays in extra_json for OpenAI targets). */
    private static ReasoningConfig reasoning(JsonNode body) {
        String effort = OpenAiFields.optString(body, "reasoning_effort");
        return effort == null ? null : ReasoningConfig.newBuilder().setEffort(effort).build();
    }

    private static boolean includeUsage(JsonNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiException.invalidType("stream_options", "an object", Json.describe(options));
        }
        JsonNode include = options.get("include_usage");
        if (include == null || include.isNull()) {
            return false;
        }
        if (!include.isBoolean()) {
            throw ApiException.invalidType("stream_options.include_usage", "a boolean", Json.describe(include));
        }
        return include.asBoolean();
    }

    private static Integer maxTokens(JsonNode body) {
        Integer completion = OpenAiFields.optPositiveInt(body, "max_completion_tokens");
        Integer legacy = OpenAiFields.optPositiveInt(body, "max_tokens");
        return completion != null ? completion : legacy;
    }

    private static List<String> stop(JsonNode body) {
        JsonNode stop = body.get("stop");
        if (stop == null || stop.isNull()) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stop.asText());
        }
        if (stop.isArray()) {
            List<String> sequences = new ArrayList<>();
            for (JsonNode item : stop) {
                if (!item.isTextual()) {
                    throw ApiException.invalidType("stop", "a string or an array of strings", "an array containing " + Json.describe(item));
                }
                sequences.add(item.asText());
            }
            return sequences;
        }
        throw ApiException.invalidType("stop", "a string or an array of strings", Json.describe(stop));
    }
}
