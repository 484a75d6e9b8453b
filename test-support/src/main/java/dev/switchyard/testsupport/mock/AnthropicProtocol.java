package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Anthropic Messages ({@code POST /v1/messages}). */
final class AnthropicProtocol extends ProtocolHandler {

    static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "max_tokens", "metadata", "stop_sequences",
            "stream", "system", "temperature", "thinking", "tool_choice", "tools", "top_k", "top_p", "service_tier",
            "container", "mcp_servers", "context_management", "output_format", "output_config", "inference_geo");

    /** Models that refuse temperature together with top_p: Claude 4.1 Opus, 4.5 and later. */
    private static final Pattern NO_TEMPERATURE_AND_TOP_P = Pattern.compile(
            "^claude-((opus|sonnet|haiku)-4-([1-9]|[1-9][0-9])|(opus|sonnet|haiku)-([5-9]|[1-9][0-9]))(\\b.*)?$");

    static boolean rejectsTemperatureWithTopP(String model) {
        return model != null && NO_TEMPERATURE_AND_TOP_P.matcher(model).matches();
    }

    @Override
    RecordedRequest.Protocol protocol() {
        return RecordedRequest.Protocol.ANTHROPIC;
    }

    @Override
    String requestIdHeader() {
        return "request-id";
    }

    @Override
    ApiError validate(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN_FIELDS.contains(f)) {
                return ApiError.invalid(f + ": Extra inputs are not permitted");
            }
        }
        JsonNode model = body.get("model");
        if (model == null) {
            return ApiError.invalid("model: Field required");
        }
        if (!model.isTextual()) {
            return ApiError.invalid("model: Input should be a valid string");
        }
        JsonNode maxTokens = body.get("max_tokens");
        if (maxTokens == null) {
            return ApiError.invalid("max_tokens: Field required");
        }
        if (!maxTokens.isIntegralNumber()) {
            return ApiError.invalid("max_tokens: Input should be a valid integer");
        }
        if (maxTokens.asLong() < 1) {
            return ApiError.invalid("max_tokens: Input should be greater than or equal to 1");
        }
        JsonNode messages = body.get("messages");
        if (messages == null) {
            return ApiError.invalid("messages: Field required");
        }
        if (!messages.isArray()) {
            return ApiError.invalid("messages: Input should be a valid list");
        }
        if (messages.isEmpty()) {
            return ApiError.invalid("messages: at least one message is required");
        }
        ApiError e = validateMessages(messages);
        if (e != null) {
            return e;
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isBoolean()) {
            return ApiError.invalid("stream: Input should be a valid boolean");
        }
        JsonNode system = body.get("system");
        if (system != null && !system.isTextual() && !system.isArray()) {
            return ApiError.invalid("system: Input should be a valid string");
        }
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                return ApiError.invalid("metadata: Input should be a valid dictionary or object to extract fields "
                        + "from");
            }
            for (Iterator<String> it = metadata.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("user_id")) {
                    return ApiError.invalid("metadata." + k + ": Extra inputs are not permitted");
                }
            }
            JsonNode userId = metadata.get("user_id");
            if (userId != null && !userId.isNull() && !userId.isTextual()) {
                return ApiError.invalid("metadata.user_id: Input should be a valid string");
            }
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull()) {
            if (!temperature.isNumber()) {
                return ApiError.invalid("temperature: Input should be a valid number");
            }
            if (temperature.asDouble() > 1) {
                return ApiError.invalid("temperature: Input should be less than or equal to 1");
            }
            if (temperature.asDouble() < 0) {
                return ApiError.invalid("temperature: Input should be greater than or equal to 0");
            }
        }
        JsonNode topP = body.get("top_p");
        if (temperature != null && !temperature.isNull() && topP != null && !topP.isNull()
                && rejectsTemperatureWithTopP(model.asText())) {
            return ApiError.invalid("`temperature` and `top_p` cannot both be specified for this model. "
                    + "Please use only one.");
        }
        ApiError generation = ClaudeGenerations.refusal(model.asText(), body);
        if (generation != null) {
            return generation;
        }
        ApiError thinkingError = validateThinking(body, temperature, topP);
        if (thinkingError != null) {
            return thinkingError;
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                return ApiError.invalid("tools: Input should be a valid list");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                if (!t.path("name").isTextual()) {
                    return ApiError.invalid("tools." + i + ".name: Field required");
                }
                boolean custom = !t.has("type") || "custom".equals(t.path("type").asText());
                if (custom && !t.path("input_schema").isObject()) {
                    return ApiError.invalid("tools." + i + ".custom.input_schema: Field required");
                }
            }
        }
        JsonNode toolChoice = body.get("tool_choice");
        if (toolChoice != null && !toolChoice.isNull()) {
            if (!toolChoice.isObject() || !toolChoice.path("type").isTextual()) {
                return ApiError.invalid("tool_choice: Input should be a valid dictionary or object to extract "
                        + "fields from");
            }
        }
        return null;
    }

    /** Prefix of the thinking signatures this mock hands out (and accepts back). */
    static final String SIGNATURE_PREFIX = "mocksig_";
    /** Prefix of the redacted_thinking data this mock hands out (and accepts back). */
    static final String REDACTED_PREFIX = "mockredacted_";
    /** Anthropic's documented test prompt: with thinking on, the answer's thinking comes redacted. */
    static final String REDACTED_TRIGGER = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING";

    static final Set<String> COUNT_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
            "mcp_servers", "context_management", "output_config", "output_format");

    /** {@code /v1/messages/count_tokens}: the message fields without the generation ones (max_tokens, stream, ...). */
    ApiError validateCount(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!COUNT_FIELDS.contains(f)) {
                return ApiError.invalid(f + ": Extra inputs are not permitted");
            }
        }
        if (!body.path("model").isTextual()) {
            return ApiError.invalid("model: Field required");
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray()) {
            return ApiError.invalid("messages: Field required");
        }
        return validateMessages(messages);
    }

    static boolean thinkingOn(JsonNode body) {
        String type = body.path("thinking").path("type").asText("disabled");
        return type.equals("enabled") || type.equals("adaptive");
    }

    /** Extended thinking's rules: sampling defaults, a budget below max_tokens, no forced tool, signed history. */
    private static ApiError validateThinking(JsonNode body, JsonNode temperature, JsonNode topP) {
        JsonNode messages = body.get("messages");
        for (int i = 0; i < messages.size(); i++) {
            int b = 0;
            for (JsonNode block : messages.get(i).path("content")) {
                if ("thinking".equals(block.path("type").asText())
                        && !block.path("signature").asText("").startsWith(SIGNATURE_PREFIX)) {
                    return ApiError.invalid("messages." + i + ".content." + b + ": Invalid `signature` in `thinking` block");
                }
                if ("redacted_thinking".equals(block.path("type").asText())
                        && !block.path("data").asText("").startsWith(REDACTED_PREFIX)) {
                    return ApiError.invalid("messages." + i + ".content." + b + ": Invalid `data` in `redacted_thinking` block");
                }
                b++;
            }
        }
        if (!thinkingOn(body)) {
            return null;
        }
        JsonNode thinking = body.get("thinking");
        if ("enabled".equals(thinking.path("type").asText())) {
            JsonNode budget = thinking.get("budget_tokens");
            if (budget == null || !budget.canConvertToInt()) {
                return ApiError.invalid("thinking.enabled.budget_tokens: Field required");
            }
            if (budget.asInt() < 1024) {
                return ApiError.invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
            }
            if (budget.asInt() >= body.path("max_tokens").asInt()) {
                return ApiError.invalid("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
                        + "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
            }
        }
        if (temperature != null && !temperature.isNull() && temperature.asDouble() != 1.0) {
            return ApiError.invalid("`temperature` may only be set to 1 when thinking is enabled or in adaptive mode. Please "
                    + "consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility");
        }
        if (topP != null && !topP.isNull() && topP.asDouble() < 0.95) {
            return ApiError.invalid("`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.");
        }
        String choice = body.path("tool_choice").path("type").asText("auto");
        if (choice.equals("any") || choice.equals("tool")) {
            return ApiError.invalid("Thinking may not be enabled when tool_choice forces tool use.");
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if (!"assistant".equals(m.path("role").asText())) {
                continue;
            }
            boolean usesTools = false;
            for (JsonNode block : m.path("content")) {
                usesTools |= "tool_use".equals(block.path("type").asText());
            }
            String first = m.path("content").path(0).path("type").asText("");
            if (usesTools && !first.equals("thinking") && !first.equals("redacted_thinking")) {
                return ApiError.invalid("messages." + i + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `"
                        + first + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block "
                        + "(preceeding the lastmost set of `tool_use` and `tool_result` blocks).");
            }
            break;
        }
        return null;
    }

    private static ApiError validateMessages(JsonNode messages) {
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                return ApiError.invalid("messages." + i + ": Input should be a valid dictionary or object to "
                        + "extract fields from");
            }
            String role = m.path("role").asText("");
            if (role.equals("system")) {
                return ApiError.invalid("messages: Unexpected role \"system\". The Messages API accepts a top-level "
                        + "`system` parameter, not \"system\" as an input message role.");
            }
            if (!role.equals("user") && !role.equals("assistant")) {
                return m.has("role") ? ApiError.invalid("messages." + i + ".role: Input should be 'user' or "
                        + "'assistant'") : ApiError.invalid("messages." + i + ".role: Field required");
            }
            JsonNode content = m.get("content");
            if (content == null) {
                return ApiError.invalid("messages." + i + ".content: Field required");
            }
            if (!content.isTextual() && !content.isArray()) {
                return ApiError.invalid("messages." + i + ".content: Input should be a valid list");
            }
            // tool_result blocks must answer tool_use blocks of the previous message, and vice versa.
            Set<String> results = blockIds(content, "tool_result", "tool_use_id");
            Set<String> uses = i > 0 ? blockIds(messages.get(i - 1).get("content"), "tool_use", "id") : Set.of();
            if (role.equals("user")) {
                for (String r : results) {
                    if (!uses.contains(r)) {
                        return ApiError.invalid("messages." + i + ".content.0: unexpected `tool_use_id` found in "
                                + "`tool_result` blocks: " + r + ". Each `tool_result` block must have a "
                                + "corresponding `tool_use` block in the previous message.");
                    }
                }
            }
            if (i > 0 && !uses.isEmpty()) {
                List<String> missing = new ArrayList<>();
                for (String u : uses) {
                    if (!results.contains(u)) {
                        missing.add(u);
                    }
                }
                if (!missing.isEmpty()) {
                    return ApiError.invalid("messages." + (i - 1) + ": `tool_use` ids were found without "
                            + "`tool_result` blocks immediately after: " + String.join(", ", missing)
                            + ". Each `tool_use` block must have a corresponding `tool_result` block in the next "
                            + "message.");
                }
            }
        }
        return null;
    }

    private static Set<String> blockIds(JsonNode content, String type, String idField) {
        if (content == null || !content.isArray()) {
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode block : content) {
            if (type.equals(block.path("type").asText())) {
                ids.add(block.path(idField).asText());
            }
        }
        return ids;
    }

    @Override
    ApiError notJson(String detail) {
        return ApiError.invalid("There was an issue with your request body: the body is not valid JSON ("
                + detail + ")");
    }

    @Override
    ApiError headerLeak(String header) {
        return ApiError.invalid("Unexpected request header: " + header
                + " (Switchyard routing headers must not be forwarded upstream)");
    }

    @Override
    ApiError unknownDirective(List<String> directives) {
        return ApiError.invalid("Unknown or malformed mock directive(s): " + String.join(", ", directives));
    }

    @Override
    ApiError statusError(int status, String model) {
        return switch (status) {
            case 400 -> ApiError.invalid("Invalid request (injected by the mock provider).");
            case 401 -> new ApiError(401, "authentication_error", "invalid x-api-key", null, null);
            case 403 -> new ApiError(403, "permission_error",
                    "Your API key does not have permission to use the specified resource.", null, null);
            case 404 -> new ApiError(404, "not_found_error", "model: " + model, null, null);
            case 413 -> new ApiError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes.",
                    null, null);
            case 429 -> new ApiError(429, "rate_limit_error", "This request would exceed the rate limit for your "
                    + "organization of 50 requests per minute. Please try again later.", null, null);
            case 529 -> new ApiError(529, "overloaded_error", "Overloaded", null, null);
            default -> new ApiError(status, status >= 500 ? "api_error" : "invalid_request_error",
                    status >= 500 ? "Internal server error"
                            : "Request failed with status " + status + " (injected by the mock provider).",
                    null, null);
        };
    }

    @Override
    ApiError contextLength(String model, int promptTokens, int window) {
        return ApiError.invalid("prompt is too long: " + promptTokens + " tokens > " + window + " maximum");
    }

    @Override
    ApiError midStreamError() {
        return new ApiError(529, "overloaded_error", "Overloaded", null, null);
    }

    @Override
    String errorBody(ApiError e, String requestId) {
        StringBuilder sb = new StringBuilder(160).append("{\"type\":\"error\",\"error\":{\"type\":");
        Json.str(sb, e.type()).append(",\"message\":");
        Json.str(sb, e.message()).append('}');
        if (requestId != null) {
            sb.append(",\"request_id\":");
            Json.str(sb, requestId);
        }
        return sb.append('}').toString();
    }

    @Override
    Plan plan(JsonNode body, MockBehaviour b, String strippedUserText) {
        String model = body.path("model").asText();
        boolean stream = body.path("stream").asBoolean(false);
        int prompt = Requests.promptTokens(body);
        JsonNode messages = body.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        String toolResult = "user".equals(last.path("role").asText()) ? toolResultText(last.get("content")) : null;
        String id = Json.randomId("msg_01", 22);

        String tool = toolResult != null ? null : chooseTool(body, Boolean.TRUE.equals(b.forceTool()));
        if (tool != null) {
            List<String> frags = fragments(toolArguments(strippedUserText), b.chunks() == null ? 3 : b.chunks());
            return think(body, new Plan(id, model, stream, false, prompt, Plan.Kind.TOOL_CALL, frags, tool,
                    Json.randomId("toolu_01", 22), false), strippedUserText);
        }
        int limit = body.path("max_tokens").asInt(Integer.MAX_VALUE);
        List<String> all = toolResult != null ? wordPieces("Tool said: " + toolResult, Integer.MAX_VALUE)
                : textPieces(model, b, Integer.MAX_VALUE);
        boolean truncated = all.size() > limit;
        List<String> pieces = truncated ? all.subList(0, limit) : all;
        String stopSequence = firstStopSequence(body.path("stop_sequences"), pieces);
        if (stopSequence != null) {
            pieces = upTo(pieces, String.join("", pieces).indexOf(stopSequence));
            truncated = false;
        }
        Plan plan = new Plan(id, model, stream, false, prompt, Plan.Kind.TEXT, pieces, null, null, truncated);
        plan.stopSequence = stopSequence;
        return think(body, plan, strippedUserText);
    }

    /** The request's stop sequence that occurs first in the answer's text, or null. */
    private static String firstStopSequence(JsonNode sequences, List<String> pieces) {
        String text = String.join("", pieces);
        String first = null;
        int at = Integer.MAX_VALUE;
        for (JsonNode sequence : sequences) {
            int i = sequence.isTextual() && !sequence.asText().isEmpty() ? text.indexOf(sequence.asText()) : -1;
            if (i >= 0 && i < at) {
                at = i;
                first = sequence.asText();
            }
        }
        return first;
    }

    /** The pieces holding the text's first {@code chars} characters (the last one cut there). */
    private static List<String> upTo(List<String> pieces, int chars) {
        List<String> out = new ArrayList<>();
        int left = chars;
        for (String piece : pieces) {
            if (left <= 0) {
                break;
            }
            out.add(piece.length() <= left ? piece : piece.substring(0, left));
            left -= piece.length();
        }
        return out;
    }

    /**
     * With thinking on, the answer starts with a signed thinking block, or, when the prompt has Anthropic's test
     * trigger, with a redacted_thinking block.
     */
    private static Plan think(JsonNode body, Plan plan, String strippedUserText) {
        if (thinkingOn(body) && strippedUserText.contains(REDACTED_TRIGGER)) {
            plan.redactedThinking = REDACTED_PREFIX + Json.randomId("", 48);
        } else if (thinkingOn(body)) {
            plan.reasoning = "Considering: " + strippedUserText;
            plan.signature = SIGNATURE_PREFIX + Json.randomId("", 24);
        }
        return plan;
    }

    private static int answerIndex(Plan p) {
        return p.reasoning != null || p.redactedThinking != null ? 1 : 0;
    }

    private static String thinkingEvents(Plan p) {
        if (p.redactedThinking != null) {
            return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                    + redactedBlock(p) + "}") + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        }
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":" + Json.quote(p.reasoning) + "}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":" + Json.quote(p.signature) + "}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    }

    /** The text of the tool_result blocks of a user message, or {@code null} if it has none. */
    private static String toolResultText(JsonNode content) {
        if (content == null || !content.isArray()) {
            return null;
        }
        StringBuilder sb = null;
        for (JsonNode block : content) {
            if ("tool_result".equals(block.path("type").asText())) {
                if (sb == null) {
                    sb = new StringBuilder();
                } else {
                    sb.append(' ');
                }
                sb.append(Requests.text(block.get("content")));
            }
        }
        return sb == null ? null : sb.toString();
    }

    private static String chooseTool(JsonNode body, boolean force) {
        JsonNode tools = body.path("tools");
        if (!tools.isArray() || tools.isEmpty()) {
            return null;
        }
        String first = tools.get(0).path("name").asText(null);
        JsonNode choice = body.get("tool_choice");
        String type = choice == null ? "auto" : choice.path("type").asText("auto");
        return switch (type) {
            case "none" -> null;
            case "any" -> first;
            case "tool" -> choice.path("name").asText(first);
            default -> force ? first : null;
        };
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Override
    String streamPrelude(Plan p) {
        StringBuilder start = new StringBuilder(300).append("{\"type\":\"message_start\",\"message\":{\"id\":\"")
                .append(p.id).append("\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":");
        Json.str(start, p.model).append(",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":")
                .append(p.promptTokens).append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,")
                .append("\"output_tokens\":1}}}");
        String block;
        int index = answerIndex(p);
        if (p.kind == Plan.Kind.TOOL_CALL) {
            StringBuilder sb = new StringBuilder(160).append("{\"type\":\"content_block_start\",\"index\":").append(index).append(",")
                    .append("\"content_block\":{\"type\":\"tool_use\",\"id\":\"").append(p.toolId)
                    .append("\",\"name\":");
            Json.str(sb, p.toolName).append(",\"input\":{}}}");
            block = sb.toString();
        } else {
            block = "{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
        }
        return event("message_start", start.toString()) + (answerIndex(p) == 1 ? thinkingEvents(p) : "")
                + event("content_block_start", block) + event("ping", "{\"type\": \"ping\"}");
    }

    @Override
    String streamPiece(Plan p, int i) {
        String piece = p.pieces.get(i);
        StringBuilder sb = new StringBuilder(piece.length() + 120)
                .append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":").append(answerIndex(p))
                .append(",\"delta\":");
        if (p.kind == Plan.Kind.TOOL_CALL) {
            sb.append("{\"type\":\"input_json_delta\",\"partial_json\":");
        } else {
            sb.append("{\"type\":\"text_delta\",\"text\":");
        }
        Json.str(sb, piece).append("}}\n\n");
        return sb.toString();
    }

    private static String stopReason(Plan p) {
        if (p.kind == Plan.Kind.TOOL_CALL) {
            return "tool_use";
        }
        return p.stopSequence != null ? "stop_sequence" : p.truncated ? "max_tokens" : "end_turn";
    }

    private static String redactedBlock(Plan p) {
        return "{\"type\":\"redacted_thinking\",\"data\":" + Json.quote(p.redactedThinking) + "}";
    }

    @Override
    String streamEnd(Plan p, int emitted) {
        return event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + answerIndex(p) + "}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason(p)
                + "\",\"stop_sequence\":" + Json.quote(p.stopSequence) + "},\"usage\":{\"output_tokens\":" + p.completionTokens() + "}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    @Override
    String streamError(Plan p) {
        return event("error", errorBody(midStreamError(), null));
    }

    @Override
    String fullResponse(Plan p) {
        StringBuilder sb = new StringBuilder(512).append("{\"id\":\"").append(p.id)
                .append("\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
        Json.str(sb, p.model).append(",\"content\":[");
        if (p.reasoning != null) {
            sb.append("{\"type\":\"thinking\",\"thinking\":");
            Json.str(sb, p.reasoning).append(",\"signature\":");
            Json.str(sb, p.signature).append("},");
        } else if (p.redactedThinking != null) {
            sb.append(redactedBlock(p)).append(',');
        }
        if (p.kind == Plan.Kind.TOOL_CALL) {
            sb.append("{\"type\":\"tool_use\",\"id\":\"").append(p.toolId).append("\",\"name\":");
            Json.str(sb, p.toolName).append(",\"input\":").append(p.fullText()).append('}');
        } else {
            sb.append("{\"type\":\"text\",\"text\":");
            Json.str(sb, p.fullText()).append('}');
        }
        sb.append("],\"stop_reason\":\"").append(stopReason(p)).append("\",\"stop_sequence\":").append(Json.quote(p.stopSequence))
                .append(",\"usage\":")
                .append("{\"input_tokens\":").append(p.promptTokens)
                .append(",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":")
                .append(p.completionTokens()).append("}}");
        return sb.toString();
    }
}
