package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;

/**
 * A streamed chat completion as OpenAI sends it: {@code data: {chat.completion.chunk}} events (the first delta carries
 * the role, then content / tool_calls / reasoning_content fragments, the last the finish_reason), then, when
 * {@code stream_options.include_usage} was set, a chunk with empty {@code choices} and the usage, then
 * {@code data: [DONE]}. An error after bytes is a {@code data: {"error":...}} event and the stream ends without [DONE].
 */
public final class OpenAiStreamResponder implements ChatResponder {
    private final String id;
    private final long created;
    private final boolean includeUsage;
    private final String requestedModel;
    private String model;
    private boolean roleSent;
    private boolean toolCalls;
    private Usage usage;
    private String textEventPrefix;

    public OpenAiStreamResponder(String requestId, long createdEpochSeconds, boolean includeUsage, String requestedModel) {
        this.id = OpenAiJson.completionId(requestId);
        this.created = createdEpochSeconds;
        this.includeUsage = includeUsage;
        this.requestedModel = requestedModel;
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        if (model == null) {
            model = OpenAiJson.modelOf(chunk, requestedModel);
        }
        if (chunk.getUsage() != null) {
            usage = chunk.getUsage();
        }
        if (roleSent && isPlainText(chunk)) {
            return textEvent(chunk.getText());
        }
        ObjectNode delta = Json.object();
        if (!roleSent) {
            delta.put("role", "assistant");
            roleSent = true;
        }
        if (chunk.getText() != null) {
            delta.put("content", chunk.getText());
        }
        if (chunk.getReasoning() != null) {
            delta.put("reasoning_content", chunk.getReasoning());
        }
        if (!chunk.getToolCalls().isEmpty()) {
            toolCalls = true;
            ArrayNode calls = delta.putArray("tool_calls");
            for (ToolCallDelta call : chunk.getToolCalls()) {
                ObjectNode item = calls.addObject().put("index", call.getIndex());
                if (call.getId() != null) {
                    item.put("id", call.getId()).put("type", "function");
                }
                ObjectNode function = item.putObject("function");
                if (call.getName() != null) {
                    function.put("name", call.getName());
                }
                if (call.getArguments() != null) {
                    function.put("arguments", call.getArguments());
                }
            }
        }
        String finishReason = chunk.getFinal$() ? OpenAiJson.finishReason(chunk.getFinishReason(), toolCalls) : null;
        if (delta.isEmpty() && finishReason == null) {
            return "";
        }
        ObjectNode choice = Json.object().put("index", 0);
        choice.set("delta", delta);
        if (chunk.getLogprobsJson() != null) {
            ObjectNode logprobs = choice.putObject("logprobs");
            logprobs.set("content", OpenAiJson.parseArray(chunk.getLogprobsJson()));
            logprobs.putNull("refusal");
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", finishReason);
        ObjectNode event = header();
        event.putArray("choices").add(choice);
        if (includeUsage) {
            event.putNull("usage"); // OpenAI: every chunk before the usage chunk has the field, null
        }
        return event(event);
    }

    @Override
    public void reset() {
        model = null;
        textEventPrefix = null;
        roleSent = false;
        toolCalls = false;
        usage = null;
    }

    @Override
    public String finish() {
        StringBuilder out = new StringBuilder();
        if (includeUsage) {
            ObjectNode event = header();
            event.putArray("choices");
            event.set("usage", OpenAiJson.usage(usage));
            out.append(event(event));
        }
        return out.append("data: [DONE]\n\n").toString();
    }

    @Override
    public String errorEvent(ReplyError error) {
        return event(OpenAiJson.error(error));
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(OpenAiJson.error(error));
    }

    private ObjectNode header() {
        return Json.object()
                .put("id", id)
                .put("object", "chat.completion.chunk")
                .put("created", created)
                .put("model", model != null ? model : requestedModel);
    }

    /** Most chunks of an answer: a text delta and nothing else. */
    private static boolean isPlainText(ReplyChunk chunk) {
        return chunk.getText() != null && chunk.getReasoning() == null && chunk.getToolCalls().isEmpty()
                && chunk.getLogprobsJson() == null && !chunk.getFinal$();
    }

    /**
     * The same event the general path renders for a text-only delta, as a string: the header part is the same for
     * every chunk of the answer, so it is rendered once instead of building and writing a JSON tree per token.
     */
    private String textEvent(String text) {
        if (textEventPrefix == null) {
            String header = Json.write(header());
            textEventPrefix = "data: " + header.substring(0, header.length() - 1)
                    + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
        }
        StringBuilder out = new StringBuilder(textEventPrefix.length() + text.length() + 64).append(textEventPrefix);
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append(includeUsage ? "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                : "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n").toString();
    }

    private static String event(ObjectNode node) {
        return "data: " + Json.write(node) + "\n\n";
    }
}
