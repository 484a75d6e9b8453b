package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A streamed message exactly as Anthropic sends it, every event with its {@code event:} line: {@code message_start}
 * (an empty message with the usage known so far), {@code ping}, then one content block at a time
 * ({@code content_block_start}, its {@code content_block_delta}s with {@code thinking_delta}/{@code signature_delta},
 * {@code text_delta} or {@code input_json_delta}, {@code content_block_stop}; an Anthropic model's redacted_thinking
 * and server tool results whole in their start, its server tool calls' input in one input_json_delta), then {@code message_delta} with the stop_reason, stop_sequence and the usage, then {@code message_stop}.
 * Claude Code relies on the whole sequence (without message_start it falls back to a non-streamed retry; without
 * content_block_stop it ends with an empty answer). An error after bytes is an {@code error} event.
 */
public final class AnthropicStreamResponder implements ChatResponder {
    private final String requestId;
    private final String id;
    private final String requestedModel;
    private final Predicate<String> signaturesFrom;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private int nextBlock;
    private int openBlock = -1;
    private String openType;
    /** The answering model is Anthropic's: its reasoning signatures and native blocks can go to the client. */
    private boolean anthropicModel;

    /**
     * @param signaturesFrom whether a model id's reasoning signatures and native blocks can go to an Anthropic client
     *                       (Anthropic's own)
     */
    public AnthropicStreamResponder(String requestId, String requestedModel, Predicate<String> signaturesFrom) {
        this.requestId = requestId;
        this.id = AnthropicJson.messageId(requestId);
        this.requestedModel = requestedModel;
        this.signaturesFrom = signaturesFrom;
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        StringBuilder out = new StringBuilder();
        if (!started) {
            started = true;
            anthropicModel = signaturesFrom.test(chunk.getModelId());
            ObjectNode message = Json.object().put("id", id).put("type", "message").put("role", "assistant");
            message.putArray("content");
            message.put("model", AnthropicJson.modelOf(chunk, requestedModel));
            message.putNull("stop_reason");
            message.putNull("stop_sequence");
            // The usage an Anthropic model reported before answering (its input and cache tokens); another provider
            // counts only at the end, so zeros here and the real numbers, input included, in message_delta.
            message.set("usage", AnthropicJson.usage(chunk.getUsage()));
            ObjectNode start = Json.object().put("type", "message_start");
            start.set("message", message);
            event(out, "message_start", start);
            event(out, "ping", Json.object().put("type", "ping"));
        }
        ObjectNode nativeBlock = chunk.getNativeBlockJson() != null && anthropicModel
                ? AnthropicJson.nativeBlock(chunk.getNativeBlockJson()) : null;
        if (nativeBlock != null) {
            // As Anthropic streams it: a server tool's call starts with an empty input that one input_json_delta
            // fills; any other block (redacted_thinking, a server tool's result) is whole in its start.
            JsonNode input = nativeBlock.remove("input");
            if (input != null) {
                nativeBlock.putObject("input");
            }
            startBlock(out, nativeBlock.get("type").asText(), nativeBlock);
            if (input != null && !input.isEmpty()) {
                delta(out, openBlock, Json.object().put("type", "input_json_delta").put("partial_json", Json.write(input)));
            }
            stopBlock(out);
        }
        if (chunk.getReasoning() != null) {
            if (!"thinking".equals(openType)) {
                startBlock(out, "thinking", Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
            }
            delta(out, openBlock, Json.object().put("type", "thinking_delta").put("thinking", chunk.getReasoning()));
        }
        if (chunk.getReasoningSignature() != null && anthropicModel) {
            if (!"thinking".equals(openType)) {
                startBlock(out, "thinking", Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
            }
            delta(out, openBlock, Json.object().put("type", "signature_delta").put("signature", chunk.getReasoningSignature()));
            stopBlock(out); // the signature closes its thinking block
        }
        if (chunk.getText() != null) {
            if (!"text".equals(openType)) {
                startBlock(out, "text", Json.object().put("type", "text").put("text", ""));
            }
            delta(out, openBlock, Json.object().put("type", "text_delta").put("text", chunk.getText()));
        }
        for (ToolCallDelta call : chunk.getToolCalls()) {
            Integer block = toolBlocks.get(call.getIndex());
            if (block == null) {
                ObjectNode use = Json.object().put("type", "tool_use")
                        .put("id", call.getId() != null ? call.getId() : "toolu_" + id.substring(4) + "_" + call.getIndex())
                        .put("name", call.getName() != null ? call.getName() : "");
                use.putObject("input");
                startBlock(out, "tool_use", use);
                block = openBlock;
                toolBlocks.put(call.getIndex(), block);
            }
            if (call.getArguments() != null && !call.getArguments().isEmpty()) {
                delta(out, block, Json.object().put("type", "input_json_delta").put("partial_json", call.getArguments()));
            }
        }
        if (chunk.getFinal$()) {
            if (nextBlock == 0) {
                startBlock(out, "text", Json.object().put("type", "text").put("text", "")); // an empty answer is one empty text block
            }
            stopBlock(out);
            ObjectNode delta = Json.object().put("type", "message_delta");
            delta.putObject("delta").put("stop_reason", AnthropicJson.stopReason(chunk, !toolBlocks.isEmpty()))
                    .put("stop_sequence", AnthropicJson.stopSequence(chunk));
            Usage usage = chunk.getUsage();
            delta.set("usage", AnthropicJson.usage(usage));
            event(out, "message_delta", delta);
            event(out, "message_stop", Json.object().put("type", "message_stop"));
        }
        return out.toString();
    }

    private void startBlock(StringBuilder out, String type, ObjectNode block) {
        stopBlock(out);
        openBlock = nextBlock++;
        openType = type;
        ObjectNode start = Json.object().put("type", "content_block_start").put("index", openBlock);
        start.set("content_block", block);
        event(out, "content_block_start", start);
    }

    private void stopBlock(StringBuilder out) {
        if (openBlock >= 0) {
            event(out, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", openBlock));
            openBlock = -1;
            openType = null;
        }
    }

    private static void delta(StringBuilder out, int index, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", index);
        event.set("delta", delta);
        event(out, "content_block_delta", event);
    }

    private static void event(StringBuilder out, String name, ObjectNode data) {
        out.append("event: ").append(name).append("\ndata: ").append(Json.write(data)).append("\n\n");
    }

    @Override
    public void reset() {
        toolBlocks.clear();
        started = false;
        nextBlock = 0;
        openBlock = -1;
        openType = null;
    }

    @Override
    public String finish() {
        return "";
    }

    @Override
    public String errorEvent(ReplyError error) {
        StringBuilder out = new StringBuilder();
        event(out, "error", AnthropicErrors.body(error, null));
        return out.toString();
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(AnthropicErrors.body(error, requestId));
    }
}
