package dev.switchyard.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.openai.OpenAiJson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Responses API answer. Streaming, it is the event sequence OpenAI documents, each event with its {@code event:} line
 * and a {@code sequence_number} counting from 0: {@code response.created}, {@code response.in_progress}, then per output
 * item {@code response.output_item.added}, its content events (a reasoning summary part and its text deltas; a
 * message's {@code content_part.added}, {@code output_text.delta}s, {@code output_text.done},
 * {@code content_part.done}; a function call's {@code function_call_arguments.delta}s and {@code .done}; a custom
 * tool call's input), {@code response.output_item.done}, and finally {@code response.completed} (or
 * {@code response.incomplete} when the answer was cut) with the whole response and its usage. Codex needs
 * {@code output_item.done} (else its answer is empty) and {@code response.completed} with usage (else it fails).
 * Not streaming, the same items make one {@code response} object. Errors are OpenAI's shape; after bytes, a
 * {@code response.failed} event.
 */
public final class ResponsesResponder implements ChatResponder {
    private final boolean streaming;
    private final String id;
    private final String suffix;
    private final long created;
    private final String requestedModel;
    private final JsonNode request;
    private final Set<String> customTools;
    private final Predicate<String> encryptedFrom;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Item> calls = new HashMap<>();
    private Item open;
    private String model;
    private boolean encrypted;
    private int sequence;
    private boolean started;
    private String body;

    /**
     * @param request       the client's body (tools, instructions, ... are echoed in the response object)
     * @param customTools   names of the request's custom tools: their calls are custom_tool_call items
     * @param encryptedFrom whether the reasoning signatures of a model id can go to this client as encrypted content
     */
    public ResponsesResponder(boolean streaming, String requestId, long createdEpochSeconds, String requestedModel, JsonNode request,
                              Set<String> customTools, Predicate<String> encryptedFrom) {
        this.streaming = streaming;
        this.suffix = requestId.startsWith("req_") ? requestId.substring(4) : requestId;
        this.id = "resp_" + suffix;
        this.created = createdEpochSeconds;
        this.requestedModel = requestedModel;
        this.request = request;
        this.customTools = customTools;
        this.encryptedFrom = encryptedFrom;
    }

    @Override
    public boolean streaming() {
        return streaming;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        StringBuilder out = new StringBuilder();
        if (!started) {
            started = true;
            model = OpenAiJson.modelOf(chunk, requestedModel);
            encrypted = encryptedFrom.test(chunk.getModelId());
            event(out, "response.created", Json.object().set("response", response("in_progress", null, null)));
            event(out, "response.in_progress", Json.object().set("response", response("in_progress", null, null)));
        }
        if (chunk.getReasoning() != null) {
            Item reasoning = ensure(out, "reasoning");
            reasoning.text.append(chunk.getReasoning());
            event(out, "response.reasoning_summary_text.delta", itemEvent(reasoning).put("summary_index", 0).put("delta", chunk.getReasoning()));
        }
        if (chunk.getReasoningSignature() != null && encrypted) {
            Item reasoning = ensure(out, "reasoning");
            reasoning.encrypted = chunk.getReasoningSignature();
            close(out);
        }
        if (chunk.getText() != null) {
            Item message = ensure(out, "message");
            message.text.append(chunk.getText());
            ObjectNode delta = itemEvent(message).put("content_index", 0).put("delta", chunk.getText());
            delta.putArray("logprobs");
            event(out, "response.output_text.delta", delta);
        }
        for (ToolCallDelta delta : chunk.getToolCalls()) {
            Item call = calls.get(delta.getIndex());
            if (call == null) {
                close(out);
                String name = delta.getName() != null ? delta.getName() : "";
                call = new Item(customTools.contains(name) ? "custom_tool_call" : "function_call", items.size());
                call.id = (call.type.equals("function_call") ? "fc_" : "ctc_") + suffix + "_" + items.size();
                call.callId = delta.getId() != null ? delta.getId() : "call_" + suffix + "_" + delta.getIndex();
                call.name = name;
                items.add(call);
                calls.put(delta.getIndex(), call);
                open = call;
                event(out, "response.output_item.added", Json.object().put("output_index", call.index).set("item", item(call, "in_progress")));
            }
            if (delta.getArguments() != null && !delta.getArguments().isEmpty()) {
                call.text.append(delta.getArguments());
                if (call.type.equals("function_call") && call == open) {
                    event(out, "response.function_call_arguments.delta", itemEvent(call).put("delta", delta.getArguments()));
                }
            }
        }
        if (chunk.getFinal$()) {
            close(out);
            String finish = chunk.getFinishReason();
            boolean cut = "length".equals(finish) || "content_filter".equals(finish);
            String status = cut ? "incomplete" : "completed";
            ObjectNode incomplete = cut ? Json.object().put("reason", "length".equals(finish) ? "max_output_tokens" : "content_filter") : null;
            ObjectNode response = response(status, incomplete, chunk.getUsage());
            event(out, cut ? "response.incomplete" : "response.completed", Json.object().set("response", response));
            if (!streaming) {
                body = Json.write(response);
            }
        }
        return streaming ? out.toString() : "";
    }

    /** The open item if it has this type, else a new one (closing the open one). */
    private Item ensure(StringBuilder out, String type) {
        if (open != null && open.type.equals(type)) {
            return open;
        }
        close(out);
        Item item = new Item(type, items.size());
        item.id = (type.equals("reasoning") ? "rs_" : "msg_") + suffix + "_" + items.size();
        items.add(item);
        open = item;
        event(out, "response.output_item.added", Json.object().put("output_index", item.index).set("item", item(item, "in_progress")));
        if (type.equals("reasoning")) {
            ObjectNode part = itemEvent(item).put("summary_index", 0);
            part.putObject("part").put("type", "summary_text").put("text", "");
            event(out, "response.reasoning_summary_part.added", part);
        } else {
            ObjectNode part = itemEvent(item).put("content_index", 0);
            part.set("part", outputText(""));
            event(out, "response.content_part.added", part);
        }
        return item;
    }

    /** Ends the open item with its done events. */
    private void close(StringBuilder out) {
        Item item = open;
        if (item == null) {
            return;
        }
        open = null;
        String text = item.text.toString();
        switch (item.type) {
            case "reasoning" -> {
                event(out, "response.reasoning_summary_text.done", itemEvent(item).put("summary_index", 0).put("text", text));
                ObjectNode part = itemEvent(item).put("summary_index", 0);
                part.putObject("part").put("type", "summary_text").put("text", text);
                event(out, "response.reasoning_summary_part.done", part);
            }
            case "message" -> {
                ObjectNode done = itemEvent(item).put("content_index", 0).put("text", text);
                done.putArray("logprobs");
                event(out, "response.output_text.done", done);
                ObjectNode part = itemEvent(item).put("content_index", 0);
                part.set("part", outputText(text));
                event(out, "response.content_part.done", part);
            }
            case "function_call" -> event(out, "response.function_call_arguments.done", itemEvent(item).put("arguments", text));
            default -> {
                String input = customInput(text);
                event(out, "response.custom_tool_call_input.delta", itemEvent(item).put("delta", input));
                event(out, "response.custom_tool_call_input.done", itemEvent(item).put("input", input));
            }
        }
        event(out, "response.output_item.done", Json.object().put("output_index", item.index).set("item", item(item, "completed")));
    }

    private ObjectNode item(Item item, String status) {
        ObjectNode node = Json.object().put("id", item.id).put("type", item.type);
        String text = item.text.toString();
        switch (item.type) {
            case "reasoning" -> {
                ArrayNode summary = node.putArray("summary");
                if (status.equals("completed") && !text.isEmpty()) {
                    summary.addObject().put("type", "summary_text").put("text", text);
                }
                if (status.equals("completed") && item.encrypted != null) {
                    node.put("encrypted_content", item.encrypted);
                }
            }
            case "message" -> {
                node.put("status", status).put("role", "assistant");
                ArrayNode content = node.putArray("content");
                if (status.equals("completed")) {
                    content.add(outputText(text));
                }
            }
            case "function_call" -> node.put("status", status).put("call_id", item.callId).put("name", item.name)
                    .put("arguments", status.equals("completed") ? text : "");
            default -> node.put("status", status).put("call_id", item.callId).put("name", item.name)
                    .put("input", status.equals("completed") ? customInput(text) : "");
        }
        return node;
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    /** The raw input of a custom call from its internal {@code {"input": "..."}} arguments. */
    private static String customInput(String arguments) {
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed != null && parsed.path("input").isTextual()) {
                return parsed.get("input").asText();
            }
        } catch (Exception e) {
            // not the internal form: the text itself
        }
        return arguments;
    }

    private ObjectNode itemEvent(Item item) {
        return Json.object().put("item_id", item.id).put("output_index", item.index);
    }

    /** The response object; the request's settings are echoed as OpenAI does. */
    private ObjectNode response(String status, ObjectNode incomplete, Usage usage) {
        ObjectNode response = Json.object().put("id", id).put("object", "response").put("created_at", created).put("status", status);
        response.putNull("error");
        response.set("incomplete_details", incomplete);
        response.set("instructions", request.path("instructions").isTextual() ? request.get("instructions") : null);
        response.set("max_output_tokens", request.path("max_output_tokens").isNumber() ? request.get("max_output_tokens") : null);
        response.put("model", model != null ? model : requestedModel);
        ArrayNode output = response.putArray("output");
        if (!status.equals("in_progress")) {
            items.forEach(i -> output.add(item(i, "completed")));
        }
        response.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        response.putNull("previous_response_id");
        ObjectNode reasoning = response.putObject("reasoning");
        reasoning.set("effort", request.path("reasoning").path("effort").isTextual() ? request.path("reasoning").get("effort") : null);
        reasoning.set("summary", request.path("reasoning").path("summary").isTextual() ? request.path("reasoning").get("summary") : null);
        response.put("store", false);
        response.put("temperature", request.path("temperature").asDouble(1.0));
        ObjectNode text = response.putObject("text");
        JsonNode format = request.path("text").path("format");
        text.set("format", format.isObject() ? format : Json.object().put("type", "text"));
        response.set("tool_choice", request.has("tool_choice") ? request.get("tool_choice") : Json.MAPPER.getNodeFactory().textNode("auto"));
        response.set("tools", request.path("tools").isArray() ? request.get("tools") : Json.MAPPER.createArrayNode());
        response.put("top_p", request.path("top_p").asDouble(1.0));
        response.put("truncation", request.path("truncation").asText("disabled"));
        response.set("usage", usage == null && status.equals("in_progress") ? null : usage(usage));
        response.putNull("user");
        response.set("metadata", Json.object());
        return response;
    }

    /** Usage in the Responses API's terms: input tokens include cached ones. */
    static ObjectNode usage(Usage usage) {
        Usage u = usage != null ? usage : new Usage(0L, 0L, 0L, 0L, 0L);
        long input = u.getInputTokens() + u.getCacheReadTokens() + u.getCacheWriteTokens();
        ObjectNode node = Json.object().put("input_tokens", input);
        ObjectNode inputDetails = node.putObject("input_tokens_details").put("cached_tokens", u.getCacheReadTokens());
        if (u.getCacheWriteTokens() > 0) {
            inputDetails.put("cache_creation_tokens", u.getCacheWriteTokens()); // Anthropic's cache writes, kept
        }
        node.put("output_tokens", u.getOutputTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens", u.getReasoningTokens());
        node.put("total_tokens", input + u.getOutputTokens());
        return node;
    }

    private void event(StringBuilder out, String type, ObjectNode data) {
        ObjectNode event = Json.object().put("type", type);
        event.setAll(data);
        event.put("sequence_number", sequence++);
        if (streaming) {
            out.append("event: ").append(type).append("\ndata: ").append(Json.write(event)).append("\n\n");
        }
    }

    @Override
    public void reset() {
        items.clear();
        calls.clear();
        open = null;
        model = null;
        sequence = 0;
        started = false;
        body = null;
    }

    /** The whole response of a non-streamed answer, sent by {@link #finish()}. */
    @Override
    public String finish() {
        return streaming || body == null ? "" : body;
    }

    @Override
    public String errorEvent(ReplyError error) {
        ObjectNode response = response("failed", null, null);
        ObjectNode failure = response.putObject("error");
        failure.put("code", error.getCode() != null ? error.getCode() : error.getType());
        failure.put("message", error.getMessage());
        StringBuilder out = new StringBuilder();
        event(out, "response.failed", Json.object().set("response", response));
        return streaming ? out.toString() : errorBody(error);
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(OpenAiJson.error(error));
    }

    private static final class Item {
        final String type;
        final int index;
        final StringBuilder text = new StringBuilder();
        String id;
        String callId;
        String name;
        String encrypted;

        Item(String type, int index) {
            this.type = type;
            this.index = index;
        }
    }
}
