package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.router.FallbackPolicies;
import dev.switchyard.core.router.RouterValidationException;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.chat.RoutingMetadata;
import dev.switchyard.ingress.chat.SwitchyardHeaders;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an OpenAI chat-completions body into the internal {@link ChatRequest}: validates what Switchyard relies on
 * (each failure is a 400 naming the parameter, in OpenAI's words), lifts the typed parameters into their fields, takes
 * the routing fields (metadata, fallback, user) out of what is forwarded, and keeps every other field in
 * {@code extra_json} for OpenAI-compatible providers. Credentials are never read here.
 */
public final class OpenAiChatParser {
    /** Fields with a typed home in ChatRequest, or routing fields that must never reach a provider. */
    private static final Set<String> NOT_EXTRA = Set.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "stop", "seed", "tools", "tool_choice", "response_format",
            "metadata", "fallback", "user", "parallel_tool_calls", "n");
    private static final Set<String> RESPONSE_FORMATS = Set.of("text", "json_object", "json_schema");
    /** Client headers meant for the provider (Anthropic models behind an OpenAI-shaped request still honour them). */
    private static final List<String> PROVIDER_HEADERS = List.of("anthropic-version", "anthropic-beta");

    private final ModelResolver models;

    public OpenAiChatParser(ModelResolver models) {
        this.models = models;
    }

    public ChatRequest parse(JsonNode body, MultiMap headers, RequestEnvelope envelope) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object, but got " + Json.describe(body) + ".");
        }
        String model = requiredModel(body);
        JsonNode messages = messages(body);
        choices(body);
        ChatRequest.Builder request = ChatRequest.newBuilder()
                .setRequestId(envelope.requestId())
                .setReceivedAt(envelope.receivedAt())
                .setDeadlineAt(envelope.deadlineAt())
                .setReplyTo(envelope.replyTo())
                .setProtocol(ClientProtocol.OPENAI_CHAT)
                .setMessagesJson(Json.write(messages))
                .setStream(optBoolean(body, "stream", false))
                .setIncludeUsage(includeUsage(body))
                .setMaxTokens(maxTokens(body))
                .setTemperature(optDouble(body, "temperature"))
                .setTopP(optDouble(body, "top_p"))
                .setStop(stop(body))
                .setSeed(optLong(body, "seed"))
                .setToolsJson(tools(body))
                .setToolChoiceJson(optJson(body, "tool_choice", n -> n.isTextual() || n.isObject(), "a string or an object"))
                .setParallelToolCalls(optBooleanOrNull(body, "parallel_tool_calls"))
                .setResponseFormatJson(responseFormat(body))
                .setReasoning(reasoning(body))
                .setMetadata(RoutingMetadata.merge(body.get("metadata"), headers, "metadata"))
                .setUserId(stickyUser(body, headers))
                .setFallback(fallback(body))
                .setExtraJson(extra(body))
                .setProviderHeaders(providerHeaders(headers))
                .setApiKeyId(null);
        request.setModel(models.resolve(model)); // last: a 400 for the body's shape comes before a 404 for its model
        return request.build();
    }

    private static String requiredModel(JsonNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull() || (model.isTextual() && model.asText().isBlank())) {
            throw ApiException.invalid("model", "missing_required_parameter", "you must provide a model parameter");
        }
        if (!model.isTextual()) {
            throw ApiException.invalidType("model", "a string", Json.describe(model));
        }
        return model.asText();
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
        String json = optJson(body, "tools", JsonNode::isArray, "an array");
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
        String json = optJson(body, "response_format", JsonNode::isObject, "an object");
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
        String effort = optString(body, "reasoning_effort");
        return effort == null ? null : ReasoningConfig.newBuilder().setEffort(effort).build();
    }

    private static Boolean optBooleanOrNull(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidType(name, "a boolean", Json.describe(value));
        }
        return value.asBoolean();
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
        Integer completion = optPositiveInt(body, "max_completion_tokens");
        Integer legacy = optPositiveInt(body, "max_tokens");
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

    private static String stickyUser(JsonNode body, MultiMap headers) {
        String user = optString(body, "user");
        if (user == null || user.isEmpty()) {
            user = optString(body, "safety_identifier");
        }
        if (user == null || user.isEmpty()) {
            user = headers.get(SwitchyardHeaders.USER);
        }
        return user == null || user.isEmpty() ? null : user;
    }

    private FallbackPolicy fallback(JsonNode body) {
        try {
            return FallbackPolicies.parse(body.get("fallback"), "fallback", models::isKnownModel);
        } catch (RouterValidationException e) {
            throw ApiException.invalid(e.field(), "invalid_value", e.getMessage());
        }
    }

    private static String extra(JsonNode body) {
        ObjectNode extra = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!NOT_EXTRA.contains(field.getKey())) {
                extra.set(field.getKey(), field.getValue());
            }
        }
        return extra.isEmpty() ? null : Json.write(extra);
    }

    private static Map<String, String> providerHeaders(MultiMap headers) {
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : PROVIDER_HEADERS) {
            List<String> values = headers.getAll(name);
            if (!values.isEmpty()) {
                forwarded.put(name, String.join(",", values));
            }
        }
        return forwarded;
    }

    // ---- typed optional parameters: null or absent means "not given" ----

    private static boolean optBoolean(JsonNode body, String name, boolean absent) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidType(name, "a boolean", Json.describe(value));
        }
        return value.asBoolean();
    }

    private static Double optDouble(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.invalidType(name, "a number", Json.describe(value));
        }
        return value.asDouble();
    }

    private static Long optLong(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalidType(name, "an integer", Json.describe(value));
        }
        return value.asLong();
    }

    private static Integer optPositiveInt(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiException.invalidType(name, "an integer", Json.describe(value));
        }
        if (value.asInt() < 1) {
            throw ApiException.invalid(name, "integer_below_min_value",
                    "Invalid '" + name + "': integer below minimum value. Expected a value >= 1, but got " + value.asInt() + " instead.");
        }
        return value.asInt();
    }

    private static String optString(JsonNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.invalidType(name, "a string", Json.describe(value));
        }
        return value.asText();
    }

    private static String optJson(JsonNode body, String name, java.util.function.Predicate<JsonNode> accepted, String expected) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!accepted.test(value)) {
            throw ApiException.invalidType(name, expected, Json.describe(value));
        }
        return Json.write(value);
    }
}
