package dev.switchyard.workers.providers;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;

import java.util.List;

/**
 * One piece of a provider's streamed answer, in protocol-neutral terms (OpenAI's vocabulary for finish reasons and
 * tool-call fragments). Any field may be null/empty: a provider event may carry only the model name, only usage, ...
 */
public record Delta(String text, String reasoning, List<ToolCallDelta> toolCalls, String finishReason, Usage usage,
                    String modelName) {

    public Delta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Delta text(String text) {
        return new Delta(text, null, null, null, null, null);
    }

    public static Delta reasoning(String reasoning) {
        return new Delta(null, reasoning, null, null, null, null);
    }

    public static Delta toolCall(int index, String id, String name, String arguments) {
        return new Delta(null, null, List.of(new ToolCallDelta(index, id, name, arguments)), null, null, null);
    }

    public static Delta finish(String finishReason) {
        return new Delta(null, null, null, finishReason, null, null);
    }

    public static Delta usage(Usage usage) {
        return new Delta(null, null, null, null, usage, null);
    }

    public static Delta model(String modelName) {
        return new Delta(null, null, null, null, null, modelName);
    }

    /** Content the client sees (text, reasoning or a tool call): the first one is the attempt's first token. */
    public boolean hasContent() {
        return (text != null && !text.isEmpty()) || (reasoning != null && !reasoning.isEmpty()) || !toolCalls.isEmpty();
    }
}
