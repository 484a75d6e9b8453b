package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** OpenAI Chat Completions ({@code POST /v1/chat/completions}). */
final class OpenAiProtocol extends ProtocolHandler {

    static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "audio", "frequency_penalty",
            "function_call", "functions", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens",
            "metadata", "modalities", "n", "parallel_tool_calls", "prediction", "presence_penalty",
            "prompt_cache_key", "prompt_cache_retention", "reasoning_effort", "response_format",
            "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options",
            "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "user", "verbosity",
            "web_search_options");

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Fields a router's internal message format must not leak to OpenAI. */
    private static final Set<String> INTERNAL_FIELDS = Set.of("thinking_blocks", "native_items", "is_error");
    private static final Set<String> PART_TYPES = Set.of("text", "image_url", "input_audio", "refusal", "file");
    /** Sampling fields OpenAI's reasoning models refuse. */
    private static final List<String> REFUSED_BY_REASONING_MODELS = List.of("presence_penalty", "frequency_penalty", "logit_bias",
            "stop");
    /** Refused by reasoning models too, unless they sample ({@link OpenAiReasoningRules#samples}). */
    private static final List<String> SAMPLING_FIELDS = List.of("top_p", "logprobs", "top_logprobs");

    /** Whether the model is one of OpenAI's reasoning models (gpt-5*, o1, o3, o4-mini, ...). */
    static boolean isReasoningModel(String model) {
        return model != null && OpenAiReasoningRules.of(model).isPresent();
    }

    @Override
    RecordedRequest.Protocol protocol() {
        return RecordedRequest.Protocol.OPENAI;
    }

    @Override
    String requestIdHeader() {
        return "x-request-id";
    }

    @Override
    ApiError validate(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN_FIELDS.contains(f)) {
                return ApiError.invalid("Unrecognized request argument supplied: " + f);
            }
        }
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            return ApiError.invalid("you must provide a model parameter");
        }
        if (!model.isTextual()) {
            return invalidType("model", "a string", model);
        }
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            return ApiError.invalid("Missing required parameter: 'messages'.", "messages",
                    "missing_required_parameter");
        }
        if (!messages.isArray()) {
            return invalidType("messages", "an array", messages);
        }
        if (messages.isEmpty()) {
            return ApiError.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, "
                    + "but got an empty array instead.", "messages", "empty_array");
        }
        ApiError e = validateMessages(messages);
        if (e != null) {
            return e;
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            return invalidType("stream", "a boolean", stream);
        }
        JsonNode streamOptions = body.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull() && (stream == null || !stream.asBoolean())) {
            return ApiError.invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                    "stream_options", null);
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            JsonNode store = body.get("store");
            if (store == null || !store.asBoolean(false)) {
                return ApiError.invalid("The 'metadata' parameter is only allowed when 'store' is enabled.",
                        "metadata", null);
            }
            if (!metadata.isObject()) {
                return invalidType("metadata", "an object", metadata);
            }
            if (metadata.size() > 16) {
                return ApiError.invalid("Invalid 'metadata': too many properties. Expected an object with at most "
                        + "16 properties, but got an object with " + metadata.size() + " properties instead.",
                        "metadata", "object_above_max_properties");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                String p = "metadata." + en.getKey();
                if (!en.getValue().isTextual()) {
                    return invalidType(p, "a string", en.getValue());
                }
                if (en.getKey().length() > 64) {
                    return ApiError.invalid("Invalid 'metadata': key too long. Expected a key with maximum length "
                            + "64, but got a key with length " + en.getKey().length() + " instead.", "metadata",
                            "string_above_max_length");
                }
                int len = en.getValue().asText().length();
                if (len > 512) {
                    return ApiError.invalid("Invalid '" + p + "': string too long. Expected a string with maximum "
                            + "length 512, but got a string with length " + len + " instead.", p,
                            "string_above_max_length");
                }
            }
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull()) {
            if (!temperature.isNumber()) {
                return invalidType("temperature", "a number", temperature);
            }
            if (temperature.asDouble() > 2) {
                return ApiError.invalid("Invalid 'temperature': decimal above maximum value. Expected a value <= 2, "
                        + "but got " + temperature.asText() + " instead.", "temperature", "decimal_above_max_value");
            }
            if (temperature.asDouble() < 0) {
                return ApiError.invalid("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, "
                        + "but got " + temperature.asText() + " instead.", "temperature", "decimal_below_min_value");
            }
        }
        if (body.path("verbosity").isTextual()) {
            ApiError verbosity = OpenAiReasoningRules.refuseVerbosity(model.asText(), body.get("verbosity").asText(), "verbosity");
            if (verbosity != null) {
                return verbosity;
            }
        }
        JsonNode effort = body.get("reasoning_effort");
        OpenAiReasoningRules reasoning = OpenAiReasoningRules.of(model.asText()).orElse(null);
        if (reasoning != null) {
            JsonNode maxTokens = body.get("max_tokens");
            if (maxTokens != null && !maxTokens.isNull()) {
                return ApiError.invalid("Unsupported parameter: 'max_tokens' is not supported with this model. "
                        + "Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter");
            }
            String effortSent = effort == null || effort.isNull() ? null : effort.asText();
            if (effortSent != null) {
                ApiError refused = reasoning.refuseEffort(effortSent, "reasoning_effort");
                if (refused != null) {
                    return refused;
                }
            }
            boolean samples = reasoning.samples(effortSent);
            if (!samples && temperature != null && !temperature.isNull() && temperature.asDouble() != 1.0) {
                return ApiError.invalid("Unsupported value: 'temperature' does not support " + temperature.asText()
                        + " with this model. Only the default (1) value is supported.", "temperature",
                        "unsupported_value");
            }
            for (String field : SAMPLING_FIELDS) {
                JsonNode value = body.get(field);
                boolean set = value != null && !value.isNull() && !(value.isBoolean() && !value.asBoolean())
                        && !("top_p".equals(field) && value.asDouble() == 1.0);
                if (!samples && set) {
                    return ApiError.invalid("Unsupported parameter: '" + field + "' is not supported with this model.",
                            field, "unsupported_parameter");
                }
            }
            for (String field : REFUSED_BY_REASONING_MODELS) {
                if (body.hasNonNull(field)) {
                    return ApiError.invalid("Unsupported parameter: '" + field + "' is not supported with this model.",
                            field, "unsupported_parameter");
                }
            }
        } else if (effort != null && !effort.isNull() && OpenAiReasoningRules.openAiModel(model.asText())) {
            return ApiError.invalid("Unsupported parameter: 'reasoning_effort' is not supported with this model.",
                    "reasoning_effort", "unsupported_parameter");
        }
        JsonNode format = body.get("response_format");
        if (format != null && "json_object".equals(format.path("type").asText())
                && !messages.toString().toLowerCase(java.util.Locale.ROOT).contains("json")) {
            return ApiError.invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                    + "'json_object'.", "messages", null);
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                return invalidType("tools", "an array", tools);
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String type = t.path("type").asText("");
                if (type.isEmpty()) {
                    return ApiError.invalid("Missing required parameter: 'tools[" + i + "].type'.",
                            "tools[" + i + "].type", "missing_required_parameter");
                }
                if (type.equals("function") && !t.path("function").path("name").isTextual()) {
                    return ApiError.invalid("Missing required parameter: 'tools[" + i + "].function.name'.",
                            "tools[" + i + "].function.name", "missing_required_parameter");
                }
            }
        }
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull() && (tools == null || tools.isNull() || tools.isEmpty())) {
            return ApiError.invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' "
                    + "are specified.", "tool_choice", null);
        }
        return null;
    }

    private static ApiError validateMessages(JsonNode messages) {
        Set<String> openCalls = new HashSet<>();
        int openCallsAt = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                return invalidType(at, "an object", m);
            }
            JsonNode roleNode = m.get("role");
            if (roleNode == null || roleNode.isNull()) {
                return ApiError.invalid("Missing required parameter: '" + at + ".role'.", at + ".role",
                        "missing_required_parameter");
            }
            for (String leak : INTERNAL_FIELDS) {
                if (m.has(leak)) {
                    return ApiError.invalid("Unrecognized request argument supplied: " + at + "." + leak, at + "." + leak,
                            "unknown_parameter");
                }
            }
            int p = 0;
            for (JsonNode part : m.path("content")) {
                String partAt = at + ".content[" + p++ + "]";
                if (part.has("cache_control")) {
                    return ApiError.invalid("Unrecognized request argument supplied: " + partAt + ".cache_control",
                            partAt + ".cache_control", "unknown_parameter");
                }
                String partType = part.path("type").asText("");
                if (!PART_TYPES.contains(partType)) {
                    return ApiError.invalid("Invalid value: '" + partType + "'. Supported values are: 'text', 'image_url', "
                            + "'input_audio', 'refusal', and 'file'.", partAt + ".type", "invalid_value");
                }
            }
            String role = roleNode.asText();
            if (!ROLES.contains(role)) {
                return ApiError.invalid("Invalid value: '" + role + "'. Supported values are: 'system', 'assistant',"
                        + " 'user', 'function', 'tool', and 'developer'.", at + ".role", "invalid_value");
            }
            if (role.equals("tool")) {
                JsonNode id = m.get("tool_call_id");
                if (id == null || id.isNull()) {
                    return ApiError.invalid("Missing required parameter: '" + at + ".tool_call_id'.",
                            at + ".tool_call_id", "missing_required_parameter");
                }
                if (!openCalls.remove(id.asText())) {
                    return ApiError.invalid("Invalid parameter: messages with role 'tool' must be a response to a "
                            + "preceeding message with 'tool_calls'.", "messages.[" + i + "].role", null);
                }
                continue;
            }
            if (!openCalls.isEmpty()) {
                return ApiError.invalid("An assistant message with 'tool_calls' must be followed by tool messages "
                        + "responding to each 'tool_call_id'. The following tool_call_ids did not have response "
                        + "messages: " + String.join(", ", openCalls), "messages.[" + openCallsAt + "].role", null);
            }
            if (role.equals("assistant")) {
                JsonNode calls = m.get("tool_calls");
                if (calls != null && calls.isArray()) {
                    for (JsonNode c : calls) {
                        openCalls.add(c.path("id").asText());
                    }
                    openCallsAt = i;
                }
            }
        }
        return null;
    }

    private static ApiError invalidType(String param, String expected, JsonNode got) {
        return ApiError.invalid("Invalid type for '" + param + "': expected " + expected + ", but got "
                + jsonTypeName(got) + " instead.", param, "invalid_type");
    }

    @Override
    ApiError notJson(String detail) {
        return ApiError.invalid("We could not parse the JSON body of your request. (HINT: This likely means you "
                + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent "
                + "was not valid JSON. If you have trouble figuring out how to fix this, please contact us through "
                + "our help center at help.openai.com.)");
    }

    @Override
    ApiError headerLeak(String header) {
        return ApiError.invalid("Unrecognized request header supplied: " + header
                + " (Switchyard routing headers must not be forwarded upstream)", null, "switchyard_header_leak");
    }

    @Override
    ApiError unknownDirective(List<String> directives) {
        return ApiError.invalid("Unknown or malformed mock directive(s): " + String.join(", ", directives), null,
                "mock_directive");
    }

    @Override
    ApiError statusError(int status, String model) {
        return switch (status) {
            case 400 -> ApiError.invalid("Invalid request (injected by the mock provider).");
            // OpenAI echoes the key masked, its first and last characters visible.
            case 401 -> new ApiError(401, "invalid_request_error", "Incorrect API key provided: sk-mock-****************9f3c. You can "
                    + "find your API key at https://platform.openai.com/account/api-keys.", null, "invalid_api_key");
            case 403 -> new ApiError(403, "invalid_request_error", "You are not allowed to sample from this model",
                    null, "model_not_allowed");
            case 404 -> new ApiError(404, "invalid_request_error", "The model `" + model + "` does not exist or "
                    + "you do not have access to it.", null, "model_not_found");
            case 429 -> new ApiError(429, "requests", "Rate limit reached for " + model + " in organization "
                    + "org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again later.",
                    null, "rate_limit_exceeded");
            case 503 -> new ApiError(503, "server_error", "The engine is currently overloaded, please try again "
                    + "later.", null, null);
            default -> new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
                    status >= 500 ? "The server had an error while processing your request. Sorry about that!"
                            : "Request failed with status " + status + " (injected by the mock provider).",
                    null, null);
        };
    }

    @Override
    ApiError contextLength(String model, int promptTokens, int window) {
        return ApiError.invalid("This model's maximum context length is " + window + " tokens. However, your "
                + "messages resulted in " + promptTokens + " tokens. Please reduce the length of the messages.",
                "messages", "context_length_exceeded");
    }

    @Override
    ApiError midStreamError() {
        return new ApiError(500, "server_error",
                "The server had an error while processing your request. Sorry about that!", null, null);
    }

    @Override
    String errorBody(ApiError e, String requestId) {
        StringBuilder sb = new StringBuilder(160).append("{\"error\":{\"message\":");
        Json.str(sb, e.message()).append(",\"type\":");
        Json.str(sb, e.type()).append(",\"param\":");
        Json.str(sb, e.param()).append(",\"code\":");
        Json.str(sb, e.code()).append("}}");
        return sb.toString();
    }

    @Override
    Plan plan(JsonNode body, MockBehaviour b, String strippedUserText) {
        String model = body.path("model").asText();
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = stream && body.path("stream_options").path("include_usage").asBoolean(false);
        int prompt = Requests.promptTokens(body);
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        boolean lastIsToolResult = "tool".equals(last.path("role").asText());
        String id = Json.randomId("chatcmpl-", 24);

        String tool = lastIsToolResult ? null : chooseTool(body, Boolean.TRUE.equals(b.forceTool()));
        if (tool != null) {
            List<String> frags = fragments(toolArguments(strippedUserText), b.chunks() == null ? 3 : b.chunks());
            Plan plan = new Plan(id, model, stream, includeUsage, prompt, Plan.Kind.TOOL_CALL, frags, tool,
                    Json.randomId("call_", 24), false);
            plan.namedToolChoice = body.path("tool_choice").path("function").path("name").isTextual();
            return plan;
        }
        int limit = Integer.MAX_VALUE;
        JsonNode max = body.get("max_completion_tokens");
        if (max == null || max.isNull()) {
            max = body.get("max_tokens");
        }
        if (max != null && max.canConvertToInt()) {
            limit = Math.max(0, max.asInt());
        }
        List<String> pieces;
        boolean truncated;
        if (lastIsToolResult) {
            List<String> all = wordPieces("Tool said: " + Requests.text(last.get("content")), Integer.MAX_VALUE);
            truncated = all.size() > limit;
            pieces = truncated ? all.subList(0, limit) : all;
        } else {
            String formatType = body.path("response_format").path("type").asText("text");
            List<String> all = b.text() == null && (formatType.equals("json_object") || formatType.equals("json_schema"))
                    ? wordPieces("{\"model\": " + Json.quote(model) + ", \"answer\": \"Hello from " + model + ".\"}", Integer.MAX_VALUE)
                    : textPieces(model, b, Integer.MAX_VALUE);
            truncated = all.size() > limit;
            pieces = truncated ? all.subList(0, limit) : all;
        }
        Plan plan = new Plan(id, model, stream, includeUsage, prompt, Plan.Kind.TEXT, pieces, null, null, truncated);
        plan.logprobs = body.path("logprobs").asBoolean(false);
        return plan;
    }

    private static String chooseTool(JsonNode body, boolean force) {
        JsonNode tools = body.path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            return null;
        }
        JsonNode choice = body.get("tool_choice");
        String first = firstFunction(tools);
        if (choice != null && choice.isTextual()) {
            switch (choice.asText()) {
                case "none":
                    return null;
                case "required":
                    return first;
                default:
                    return force ? first : null;
            }
        }
        if (choice != null && choice.isObject()) {
            String named = choice.path("function").path("name").asText(null);
            if (named != null) {
                return named;
            }
        }
        return force ? first : null;
    }

    private static String firstFunction(JsonNode tools) {
        for (JsonNode t : tools) {
            JsonNode name = t.path("function").path("name");
            if (name.isTextual()) {
                return name.asText();
            }
        }
        return null;
    }

    private String prefix(Plan p) {
        if (p.cache == null) {
            StringBuilder sb = new StringBuilder(200).append("data: {\"id\":\"").append(p.id)
                    .append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(p.created)
                    .append(",\"model\":");
            Json.str(sb, p.model).append(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\",");
            p.cache = sb.toString();
        }
        return p.cache;
    }

    private String chunk(Plan p, String delta, String finishReason) {
        return chunk(p, delta, finishReason, "null");
    }

    private String chunk(Plan p, String delta, String finishReason, String logprobs) {
        StringBuilder sb = new StringBuilder(256).append(prefix(p))
                .append("\"choices\":[{\"index\":0,\"delta\":").append(delta)
                .append(",\"logprobs\":").append(logprobs).append(",\"finish_reason\":");
        Json.str(sb, finishReason).append("}]");
        if (p.includeUsage) {
            sb.append(",\"usage\":null");
        }
        return sb.append("}\n\n").toString();
    }

    @Override
    String streamPrelude(Plan p) {
        if (p.kind == Plan.Kind.TOOL_CALL) {
            StringBuilder d = new StringBuilder(160)
                    .append("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"")
                    .append(p.toolId).append("\",\"type\":\"function\",\"function\":{\"name\":");
            Json.str(d, p.toolName).append(",\"arguments\":\"\"}}],\"refusal\":null}");
            return chunk(p, d.toString(), null);
        }
        return chunk(p, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null);
    }

    @Override
    String streamPiece(Plan p, int i) {
        String piece = p.pieces.get(i);
        StringBuilder d = new StringBuilder(piece.length() + 80);
        if (p.kind == Plan.Kind.TOOL_CALL) {
            d.append("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":");
            Json.str(d, piece).append("}}]}");
        } else {
            d.append("{\"content\":");
            Json.str(d, piece).append('}');
            if (p.logprobs) {
                StringBuilder lp = new StringBuilder("{\"content\":[{\"token\":");
                Json.str(lp, piece).append(",\"logprob\":-0.25,\"bytes\":null,\"top_logprobs\":[]}],\"refusal\":null}");
                return chunk(p, d.toString(), null, lp.toString());
            }
        }
        return chunk(p, d.toString(), null);
    }

    private String finishReason(Plan p) {
        if (p.kind == Plan.Kind.TOOL_CALL) {
            return p.namedToolChoice ? "stop" : "tool_calls"; // OpenAI's own answer to a named tool_choice
        }
        return p.truncated ? "length" : "stop";
    }

    @Override
    String streamEnd(Plan p, int emitted) {
        StringBuilder sb = new StringBuilder(600).append(chunk(p, "{}", finishReason(p)));
        if (p.includeUsage) {
            sb.append(prefix(p)).append("\"choices\":[],\"usage\":");
            usage(sb, p).append("}\n\n");
        }
        return sb.append("data: [DONE]\n\n").toString();
    }

    @Override
    String streamError(Plan p) {
        return "data: " + errorBody(midStreamError(), null) + "\n\n";
    }

    private static StringBuilder usage(StringBuilder sb, Plan p) {
        int c = p.completionTokens();
        return sb.append("{\"prompt_tokens\":").append(p.promptTokens).append(",\"completion_tokens\":").append(c)
                .append(",\"total_tokens\":").append(p.promptTokens + c)
                .append(",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},")
                .append("\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,")
                .append("\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}");
    }

    @Override
    String fullResponse(Plan p) {
        StringBuilder sb = new StringBuilder(512).append("{\"id\":\"").append(p.id)
                .append("\",\"object\":\"chat.completion\",\"created\":").append(p.created).append(",\"model\":");
        Json.str(sb, p.model).append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
        if (p.kind == Plan.Kind.TOOL_CALL) {
            sb.append("null,\"tool_calls\":[{\"id\":\"").append(p.toolId)
                    .append("\",\"type\":\"function\",\"function\":{\"name\":");
            Json.str(sb, p.toolName).append(",\"arguments\":");
            Json.str(sb, p.fullText()).append("}}]");
        } else {
            Json.str(sb, p.fullText());
        }
        sb.append(",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"")
                .append(finishReason(p)).append("\"}],\"usage\":");
        usage(sb, p).append(",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_mock\"}");
        return sb.toString();
    }
}
