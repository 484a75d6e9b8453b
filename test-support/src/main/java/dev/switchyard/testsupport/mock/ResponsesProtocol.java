package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}): validation of what routers get wrong (chat-shaped tools,
 * chat-only fields such as {@code max_tokens}, function outputs without their call, unverifiable encrypted reasoning,
 * sampling parameters on reasoning models) and the streaming event sequence OpenAI documents, each event with its
 * {@code sequence_number}.
 */
final class ResponsesProtocol extends ProtocolHandler {

    static final Set<String> KNOWN_FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "reasoning", "text", "stream", "store",
            "include", "prompt_cache_key", "prompt_cache_retention", "metadata", "user", "safety_identifier",
            "service_tier", "truncation", "previous_response_id", "background", "max_tool_calls", "top_logprobs",
            "prompt", "conversation", "stream_options");
    /** Prefix of the encrypted reasoning this mock hands out (and accepts back). */
    static final String ENCRYPTED_PREFIX = "mockenc_";

    private final OpenAiProtocol errors = new OpenAiProtocol();

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
                return ApiError.invalid("Unknown parameter: '" + f + "'.", f, "unknown_parameter");
            }
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual()) {
            return ApiError.invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            return ApiError.invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        if (!input.isTextual() && !input.isArray()) {
            return ApiError.invalid("Invalid type for 'input': expected a string or an array, but got "
                    + jsonTypeName(input) + " instead.", "input", "invalid_type");
        }
        if (input.isArray()) {
            ApiError e = validateInput(input);
            if (e != null) {
                return e;
            }
        }
        if (body.path("text").path("verbosity").isTextual()) {
            ApiError verbosity = OpenAiReasoningRules.refuseVerbosity(model.asText(), body.get("text").get("verbosity").asText(),
                    "text.verbosity");
            if (verbosity != null) {
                return verbosity;
            }
        }
        OpenAiReasoningRules rules = OpenAiReasoningRules.of(model.asText()).orElse(null);
        JsonNode reasoning = body.get("reasoning");
        String effort = reasoning != null && reasoning.path("effort").isTextual() ? reasoning.get("effort").asText() : null;
        if (rules == null && effort != null && OpenAiReasoningRules.openAiModel(model.asText())) {
            return ApiError.invalid("Unsupported parameter: 'reasoning.effort' is not supported with this model.",
                    "reasoning.effort", "unsupported_parameter");
        }
        if (rules != null && effort != null && rules.refuseEffort(effort, "reasoning.effort") != null) {
            return rules.refuseEffort(effort, "reasoning.effort");
        }
        if (rules != null && !rules.samples(effort)) {
            for (String field : List.of("temperature", "top_p")) {
                JsonNode value = body.get(field);
                if (value != null && !value.isNull() && value.asDouble() != 1.0) {
                    return ApiError.invalid("Unsupported parameter: '" + field + "' is not supported with this model.",
                            field, "unsupported_parameter");
                }
            }
            if (body.hasNonNull("top_logprobs")) {
                return ApiError.invalid("Unsupported parameter: 'top_logprobs' is not supported with this model.",
                        "top_logprobs", "unsupported_parameter");
            }
        }
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                return ApiError.invalid("Invalid type for 'tools': expected an array.", "tools", "invalid_type");
            }
            for (int i = 0; i < tools.size(); i++) {
                JsonNode t = tools.get(i);
                String type = t.path("type").asText("");
                if ((type.equals("function") || type.equals("custom")) && !t.path("name").isTextual()) {
                    return ApiError.invalid("Missing required parameter: 'tools[" + i + "].name'.", "tools[" + i + "].name",
                            "missing_required_parameter");
                }
            }
        }
        return null;
    }

    private static ApiError validateInput(JsonNode input) {
        Set<String> calls = new HashSet<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String type = item.path("type").asText(item.has("role") ? "message" : "");
            switch (type) {
                case "function_call", "custom_tool_call" -> calls.add(item.path("call_id").asText());
                case "function_call_output", "custom_tool_call_output" -> {
                    String callId = item.path("call_id").asText();
                    if (!calls.contains(callId)) {
                        return ApiError.invalid("No tool call found for function call output with call_id " + callId + ".",
                                "input", null);
                    }
                }
                case "reasoning" -> {
                    String encrypted = item.path("encrypted_content").asText("");
                    if (!encrypted.isEmpty() && !encrypted.startsWith(ENCRYPTED_PREFIX)) {
                        return ApiError.invalid("The encrypted content for item " + item.path("id").asText("") + " could not be "
                                + "verified.", "input", "invalid_encrypted_content");
                    }
                }
                case "message" -> {
                    String role = item.path("role").asText("");
                    if (!Set.of("user", "assistant", "system", "developer").contains(role)) {
                        return ApiError.invalid("Invalid value: '" + role + "'. Supported values are: 'assistant', 'system', "
                                + "'developer', and 'user'.", "input[" + i + "].role", "invalid_value");
                    }
                }
                default -> {
                    // built-in tool items: accepted
                }
            }
        }
        return null;
    }

    @Override
    ApiError notJson(String detail) {
        return errors.notJson(detail);
    }

    @Override
    ApiError headerLeak(String header) {
        return errors.headerLeak(header);
    }

    @Override
    ApiError unknownDirective(List<String> directives) {
        return errors.unknownDirective(directives);
    }

    @Override
    ApiError statusError(int status, String model) {
        return errors.statusError(status, model);
    }

    @Override
    ApiError contextLength(String model, int promptTokens, int window) {
        return errors.contextLength(model, promptTokens, window);
    }

    @Override
    ApiError midStreamError() {
        return errors.midStreamError();
    }

    @Override
    String errorBody(ApiError e, String requestId) {
        return errors.errorBody(e, requestId);
    }

    @Override
    Plan plan(JsonNode body, MockBehaviour b, String strippedUserText) {
        String model = body.path("model").asText();
        boolean stream = body.path("stream").asBoolean(false);
        int prompt = Requests.promptTokens(body);
        JsonNode input = body.path("input");
        JsonNode last = input.isArray() && !input.isEmpty() ? input.get(input.size() - 1) : null;
        String lastType = last == null ? "" : last.path("type").asText("");
        boolean lastIsToolOutput = lastType.endsWith("_output");
        String id = Json.randomId("resp_", 24);

        JsonNode tool = lastIsToolOutput ? null : chooseTool(body, Boolean.TRUE.equals(b.forceTool()));
        Plan plan;
        if (tool != null) {
            boolean custom = "custom".equals(tool.path("type").asText());
            String args = custom ? strippedUserText : toolArguments(strippedUserText);
            plan = new Plan(id, model, stream, false, prompt, Plan.Kind.TOOL_CALL,
                    fragments(args.isEmpty() ? "x" : args, b.chunks() == null ? 3 : b.chunks()), tool.path("name").asText(),
                    Json.randomId("call_", 24), false);
            plan.customTool = custom;
        } else {
            int limit = body.path("max_output_tokens").asInt(Integer.MAX_VALUE);
            List<String> all = lastIsToolOutput ? wordPieces("Tool said: " + Requests.text(last.get("output")), Integer.MAX_VALUE)
                    : textPieces(model, b, Integer.MAX_VALUE);
            boolean truncated = all.size() > limit;
            plan = new Plan(id, model, stream, false, prompt, Plan.Kind.TEXT, truncated ? all.subList(0, limit) : all,
                    null, null, truncated);
        }
        JsonNode reasoning = body.path("reasoning");
        if (reasoning.hasNonNull("summary") && OpenAiProtocol.isReasoningModel(model)) {
            plan.reasoning = "Considering: " + strippedUserText;
        }
        for (JsonNode include : body.path("include")) {
            if ("reasoning.encrypted_content".equals(include.asText()) && OpenAiProtocol.isReasoningModel(model)) {
                plan.signature = ENCRYPTED_PREFIX + Json.randomId("", 16);
            }
        }
        return plan;
    }

    private static JsonNode chooseTool(JsonNode body, boolean force) {
        JsonNode tools = body.path("tools");
        JsonNode first = null;
        for (JsonNode t : tools) {
            String type = t.path("type").asText("");
            if ((type.equals("function") || type.equals("custom")) && first == null) {
                first = t;
            }
        }
        if (first == null) {
            return null;
        }
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isTextual()) {
            return switch (choice.asText()) {
                case "none" -> null;
                case "required" -> first;
                default -> force ? first : null;
            };
        }
        if (choice != null && choice.isObject() && choice.hasNonNull("name")) {
            for (JsonNode t : tools) {
                if (choice.get("name").asText().equals(t.path("name").asText())) {
                    return t;
                }
            }
        }
        return force ? first : null;
    }

    // ---- rendering ----

    private static String event(Plan p, String type, String fields) {
        int seq = p.seq++;
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\"," + fields + ",\"sequence_number\":" + seq + "}\n\n";
    }

    private static String itemId(Plan p, String prefix) {
        return prefix + p.id.substring(5);
    }

    private String response(Plan p, String status, boolean withOutput) {
        StringBuilder sb = new StringBuilder(600).append("{\"id\":\"").append(p.id)
                .append("\",\"object\":\"response\",\"created_at\":").append(p.created).append(",\"status\":\"").append(status)
                .append("\",\"error\":null,\"incomplete_details\":");
        sb.append(status.equals("incomplete") ? "{\"reason\":\"max_output_tokens\"}" : "null");
        sb.append(",\"instructions\":null,\"max_output_tokens\":null,\"model\":");
        Json.str(sb, p.model).append(",\"output\":[");
        if (withOutput) {
            int n = 0;
            if (p.reasoning != null || p.signature != null) {
                sb.append(reasoningItem(p));
                n++;
            }
            if (n > 0) {
                sb.append(',');
            }
            sb.append(p.kind == Plan.Kind.TOOL_CALL ? callItem(p, "completed", p.fullText()) : messageItem(p, "completed", p.fullText()));
        }
        sb.append("],\"parallel_tool_calls\":true,\"previous_response_id\":null,\"reasoning\":{\"effort\":null,\"summary\":null},"
                + "\"store\":false,\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\",\"tools\":[],"
                + "\"top_p\":1.0,\"truncation\":\"disabled\",\"usage\":");
        if (withOutput) {
            int c = p.completionTokens();
            sb.append("{\"input_tokens\":").append(p.promptTokens).append(",\"input_tokens_details\":{\"cached_tokens\":0},")
                    .append("\"output_tokens\":").append(c).append(",\"output_tokens_details\":{\"reasoning_tokens\":0},")
                    .append("\"total_tokens\":").append(p.promptTokens + c).append('}');
        } else {
            sb.append("null");
        }
        return sb.append(",\"user\":null,\"metadata\":{}}").toString();
    }

    private String reasoningItem(Plan p) {
        StringBuilder sb = new StringBuilder("{\"id\":\"").append(itemId(p, "rs_")).append("\",\"type\":\"reasoning\",\"summary\":[");
        if (p.reasoning != null) {
            sb.append("{\"type\":\"summary_text\",\"text\":");
            Json.str(sb, p.reasoning).append('}');
        }
        sb.append(']');
        if (p.signature != null) {
            sb.append(",\"encrypted_content\":");
            Json.str(sb, p.signature);
        }
        return sb.append('}').toString();
    }

    private String messageItem(Plan p, String status, String text) {
        StringBuilder sb = new StringBuilder("{\"id\":\"").append(itemId(p, "msg_")).append("\",\"type\":\"message\",\"status\":\"")
                .append(status).append("\",\"role\":\"assistant\",\"content\":[");
        if (text != null) {
            sb.append("{\"type\":\"output_text\",\"text\":");
            Json.str(sb, text).append(",\"annotations\":[],\"logprobs\":[]}");
        }
        return sb.append("]}").toString();
    }

    private String callItem(Plan p, String status, String arguments) {
        StringBuilder sb = new StringBuilder("{\"id\":\"").append(itemId(p, p.customTool ? "ctc_" : "fc_")).append("\",\"type\":\"")
                .append(p.customTool ? "custom_tool_call" : "function_call").append("\",\"status\":\"").append(status)
                .append("\",\"call_id\":\"").append(p.toolId).append("\",\"name\":");
        Json.str(sb, p.toolName).append(p.customTool ? ",\"input\":" : ",\"arguments\":");
        Json.str(sb, arguments);
        return sb.append('}').toString();
    }

    private int answerIndex(Plan p) {
        return p.reasoning != null || p.signature != null ? 1 : 0;
    }

    @Override
    String streamPrelude(Plan p) {
        StringBuilder out = new StringBuilder(2000);
        out.append(event(p, "response.created", "\"response\":" + response(p, "in_progress", false)));
        out.append(event(p, "response.in_progress", "\"response\":" + response(p, "in_progress", false)));
        if (p.reasoning != null || p.signature != null) {
            String rs = itemId(p, "rs_");
            out.append(event(p, "response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"" + rs
                    + "\",\"type\":\"reasoning\",\"summary\":[]}"));
            if (p.reasoning != null) {
                String text = Json.quote(p.reasoning);
                out.append(event(p, "response.reasoning_summary_part.added", "\"item_id\":\"" + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":\"\"}"));
                out.append(event(p, "response.reasoning_summary_text.delta", "\"item_id\":\"" + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"delta\":" + text));
                out.append(event(p, "response.reasoning_summary_text.done", "\"item_id\":\"" + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"text\":" + text));
                out.append(event(p, "response.reasoning_summary_part.done", "\"item_id\":\"" + rs
                        + "\",\"output_index\":0,\"summary_index\":0,\"part\":{\"type\":\"summary_text\",\"text\":" + text + "}"));
            }
            out.append(event(p, "response.output_item.done", "\"output_index\":0,\"item\":" + reasoningItem(p)));
        }
        int index = answerIndex(p);
        if (p.kind == Plan.Kind.TOOL_CALL) {
            out.append(event(p, "response.output_item.added", "\"output_index\":" + index + ",\"item\":" + callItem(p, "in_progress", "")));
        } else {
            String msg = itemId(p, "msg_");
            out.append(event(p, "response.output_item.added", "\"output_index\":" + index + ",\"item\":" + messageItem(p, "in_progress", null)));
            out.append(event(p, "response.content_part.added", "\"item_id\":\"" + msg + "\",\"output_index\":" + index
                    + ",\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[],\"logprobs\":[]}"));
        }
        return out.toString();
    }

    @Override
    String streamPiece(Plan p, int i) {
        int index = answerIndex(p);
        String piece = Json.quote(p.pieces.get(i));
        if (p.kind == Plan.Kind.TOOL_CALL) {
            String id = itemId(p, p.customTool ? "ctc_" : "fc_");
            return event(p, p.customTool ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta",
                    "\"item_id\":\"" + id + "\",\"output_index\":" + index + ",\"delta\":" + piece);
        }
        return event(p, "response.output_text.delta", "\"item_id\":\"" + itemId(p, "msg_") + "\",\"output_index\":" + index
                + ",\"content_index\":0,\"delta\":" + piece + ",\"logprobs\":[]");
    }

    @Override
    String streamEnd(Plan p, int emitted) {
        int index = answerIndex(p);
        String full = Json.quote(p.fullText());
        StringBuilder out = new StringBuilder(2000);
        if (p.kind == Plan.Kind.TOOL_CALL) {
            String id = itemId(p, p.customTool ? "ctc_" : "fc_");
            out.append(event(p, p.customTool ? "response.custom_tool_call_input.done" : "response.function_call_arguments.done",
                    "\"item_id\":\"" + id + "\",\"output_index\":" + index + (p.customTool ? ",\"input\":" : ",\"arguments\":") + full));
            out.append(event(p, "response.output_item.done", "\"output_index\":" + index + ",\"item\":" + callItem(p, "completed", p.fullText())));
        } else {
            String msg = itemId(p, "msg_");
            out.append(event(p, "response.output_text.done", "\"item_id\":\"" + msg + "\",\"output_index\":" + index
                    + ",\"content_index\":0,\"text\":" + full + ",\"logprobs\":[]"));
            out.append(event(p, "response.content_part.done", "\"item_id\":\"" + msg + "\",\"output_index\":" + index
                    + ",\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":" + full + ",\"annotations\":[],\"logprobs\":[]}"));
            out.append(event(p, "response.output_item.done", "\"output_index\":" + index + ",\"item\":" + messageItem(p, "completed", p.fullText())));
        }
        String status = p.truncated ? "incomplete" : "completed";
        out.append(event(p, "response." + status, "\"response\":" + response(p, status, true)));
        return out.toString();
    }

    @Override
    String streamError(Plan p) {
        ApiError e = midStreamError();
        return event(p, "response.failed", "\"response\":{\"id\":\"" + p.id + "\",\"object\":\"response\",\"status\":\"failed\","
                + "\"error\":{\"code\":\"server_error\",\"message\":" + Json.quote(e.message()) + "},\"output\":[]}");
    }

    @Override
    String fullResponse(Plan p) {
        return response(p, p.truncated ? "incomplete" : "completed", true);
    }
}
