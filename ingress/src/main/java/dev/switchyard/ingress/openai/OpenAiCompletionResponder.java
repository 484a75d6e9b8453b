package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;

import java.util.Map;
import java.util.TreeMap;

/**
 * A non-streamed chat completion: the chunks are accumulated (text concatenated, tool-call fragments merged by index)
 * and sent as one {@code chat.completion} object at the end.
 */
public final class OpenAiCompletionResponder implements ChatResponder {
    private final String id;
    private final long created;
    private final String requestedModel;
    private String model;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
    private String finishReason;
    private Usage usage;
    private final ArrayNode logprobs = Json.MAPPER.createArrayNode();

    public OpenAiCompletionResponder(String requestId, long createdEpochSeconds, String requestedModel) {
        this.id = OpenAiJson.completionId(requestId);
        this.created = createdEpochSeconds;
        this.requestedModel = requestedModel;
    }

    @Override
    public boolean streaming() {
        return false;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        if (model == null) {
            model = OpenAiJson.modelOf(chunk, requestedModel);
        }
        if (chunk.getText() != null) {
            content.append(chunk.getText());
        }
        if (chunk.getReasoning() != null) {
            reasoning.append(chunk.getReasoning());
        }
        for (ToolCallDelta delta : chunk.getToolCalls()) {
            ToolCall call = toolCalls.computeIfAbsent(delta.getIndex(), i -> new ToolCall());
            if (delta.getId() != null) {
                call.id = delta.getId();
            }
            if (delta.getName() != null) {
                call.name.append(delta.getName());
            }
            if (delta.getArguments() != null) {
                call.arguments.append(delta.getArguments());
            }
        }
        if (chunk.getUsage() != null) {
            usage = chunk.getUsage();
        }
        if (chunk.getLogprobsJson() != null) {
            logprobs.addAll(OpenAiJson.parseArray(chunk.getLogprobsJson()));
        }
        if (chunk.getFinal$()) {
            finishReason = OpenAiJson.finishReason(chunk.getFinishReason(), !toolCalls.isEmpty());
        }
        return "";
    }

    @Override
    public void reset() {
        model = null;
        content.setLength(0);
        reasoning.setLength(0);
        toolCalls.clear();
        logprobs.removeAll();
        finishReason = null;
        usage = null;
    }

    @Override
    public String finish() {
        ObjectNode message = Json.object().put("role", "assistant");
        if (content.length() > 0 || toolCalls.isEmpty()) {
            message.put("content", content.toString());
        } else {
            message.putNull("content");
        }
        message.putNull("refusal");
        if (reasoning.length() > 0) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            toolCalls.forEach((index, call) -> {
                ObjectNode item = calls.addObject().put("id", call.id).put("type", "function");
                item.putObject("function").put("name", call.name.toString()).put("arguments", call.arguments.toString());
            });
        }
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("message", message);
        if (!logprobs.isEmpty()) {
            ObjectNode lp = choice.putObject("logprobs");
            lp.set("content", logprobs);
            lp.putNull("refusal");
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason != null ? finishReason : "stop");
        ObjectNode completion = Json.object()
                .put("id", id)
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", model != null ? model : requestedModel);
        completion.putArray("choices").add(choice);
        completion.set("usage", OpenAiJson.usage(usage));
        return Json.write(completion);
    }

    @Override
    public String errorEvent(ReplyError error) {
        return errorBody(error); // never streaming: nothing is sent before the end
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(OpenAiJson.error(error));
    }

    private static final class ToolCall {
        String id;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
    }
}
