package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.http.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A non-streamed Anthropic message: the chunks are accumulated into content blocks in the order they came (thinking
 * with its signature, redacted_thinking, text, tool_use with its input parsed) and sent as one {@code message} object
 * at the end, with the stop_reason and stop_sequence.
 */
public final class AnthropicMessageResponder implements ChatResponder {
    private final String requestId;
    private final String id;
    private final String requestedModel;
    private final Predicate<String> signaturesFrom;
    private final List<Block> blocks = new ArrayList<>();
    private final Map<Integer, Block> tools = new LinkedHashMap<>();
    private String model;
    /** The answering model is Anthropic's: its reasoning signatures and native blocks can go to the client. */
    private boolean anthropicModel;
    private ReplyChunk last;
    private Usage usage;

    public AnthropicMessageResponder(String requestId, String requestedModel, Predicate<String> signaturesFrom) {
        this.requestId = requestId;
        this.id = AnthropicJson.messageId(requestId);
        this.requestedModel = requestedModel;
        this.signaturesFrom = signaturesFrom;
    }

    @Override
    public boolean streaming() {
        return false;
    }

    @Override
    public String onChunk(ReplyChunk chunk) {
        if (model == null) {
            model = AnthropicJson.modelOf(chunk, requestedModel);
            anthropicModel = signaturesFrom.test(chunk.getModelId());
        }
        ObjectNode nativeBlock = chunk.getNativeBlockJson() != null && anthropicModel
                ? AnthropicJson.nativeBlock(chunk.getNativeBlockJson()) : null;
        if (nativeBlock != null) {
            Block block = new Block("native");
            block.json = nativeBlock;
            block.closed = true;
            blocks.add(block);
        }
        if (chunk.getReasoning() != null) {
            current("thinking").text.append(chunk.getReasoning());
        }
        if (chunk.getReasoningSignature() != null && anthropicModel) {
            Block thinking = current("thinking");
            thinking.signature = chunk.getReasoningSignature();
            thinking.closed = true;
        }
        if (chunk.getText() != null) {
            current("text").text.append(chunk.getText());
        }
        for (ToolCallDelta call : chunk.getToolCalls()) {
            Block use = tools.get(call.getIndex());
            if (use == null) {
                use = new Block("tool_use");
                use.closed = true; // nothing else is appended to a tool_use block
                blocks.add(use);
                tools.put(call.getIndex(), use);
            }
            if (call.getId() != null) {
                use.toolId = call.getId();
            }
            if (call.getName() != null) {
                use.name = call.getName();
            }
            if (call.getArguments() != null) {
                use.text.append(call.getArguments());
            }
        }
        if (chunk.getUsage() != null) {
            usage = chunk.getUsage();
        }
        if (chunk.getFinal$()) {
            last = chunk;
        }
        return "";
    }

    /** The last block if it is open and of this type, else a new one. */
    private Block current(String type) {
        Block last = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1);
        if (last != null && !last.closed && last.type.equals(type)) {
            return last;
        }
        Block block = new Block(type);
        blocks.add(block);
        return block;
    }

    @Override
    public void reset() {
        blocks.clear();
        tools.clear();
        model = null;
        last = null;
        usage = null;
    }

    @Override
    public String finish() {
        ObjectNode message = Json.object().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model != null ? model : requestedModel);
        ArrayNode content = message.putArray("content");
        for (Block block : blocks) {
            switch (block.type) {
                case "thinking" -> content.addObject().put("type", "thinking").put("thinking", block.text.toString())
                        .put("signature", block.signature != null ? block.signature : "");
                case "text" -> content.addObject().put("type", "text").put("text", block.text.toString());
                case "native" -> content.add(block.json);
                default -> {
                    ObjectNode use = content.addObject().put("type", "tool_use")
                            .put("id", block.toolId != null ? block.toolId : "toolu_" + id.substring(4) + "_" + content.size())
                            .put("name", block.name != null ? block.name : "");
                    use.set("input", input(block.text.toString()));
                }
            }
        }
        message.put("stop_reason", AnthropicJson.stopReason(last, !tools.isEmpty()));
        message.put("stop_sequence", AnthropicJson.stopSequence(last));
        message.set("usage", AnthropicJson.usage(usage));
        return Json.write(message);
    }

    private static JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            return parsed.isObject() ? parsed : Json.object();
        } catch (Exception e) {
            return Json.object(); // a model that produced broken JSON: Anthropic's input is always an object
        }
    }

    @Override
    public String errorEvent(ReplyError error) {
        return errorBody(error); // never streaming: nothing is sent before the end
    }

    @Override
    public String errorBody(ReplyError error) {
        return Json.write(AnthropicErrors.body(error, requestId));
    }

    private static final class Block {
        final String type;
        final StringBuilder text = new StringBuilder();
        String signature;
        String toolId;
        String name;
        ObjectNode json;
        boolean closed;

        Block(String type) {
            this.type = type;
        }
    }
}
