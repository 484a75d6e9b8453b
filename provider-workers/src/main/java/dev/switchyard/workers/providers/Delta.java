package dev.switchyard.workers.providers;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;

import java.util.List;

/**
 * One piece of a provider's streamed answer, in protocol-neutral terms (OpenAI's vocabulary for finish reasons and
 * tool-call fragments). Any field may be null/empty: a provider event may carry only the model name, only usage, ...
 * {@code reasoningSignature} is the opaque token that closes a reasoning block (Anthropic's thinking signature,
 * OpenAI's encrypted reasoning content); {@code logprobsJson} the OpenAI token logprobs of this delta.
 * For a client of the provider's own protocol (the {@code ReplyChunk} fields of the same names):
 * {@code stopReason}/{@code stopSequence} are how an Anthropic provider said it stopped, beside
 * {@code finishReason}; {@code nativeBlockJson} is a whole content block only that protocol's clients can take back
 * (Anthropic's redacted_thinking).
 */
public record Delta(String text, String reasoning, List<ToolCallDelta> toolCalls, String finishReason, Usage usage,
                    String modelName, String reasoningSignature, String logprobsJson, String stopReason,
                    String stopSequence, String nativeBlockJson) {

    public Delta {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public Delta(String text, String reasoning, List<ToolCallDelta> toolCalls, String finishReason, Usage usage,
                 String modelName, String reasoningSignature, String logprobsJson) {
        this(text, reasoning, toolCalls, finishReason, usage, modelName, reasoningSignature, logprobsJson, null, null, null);
    }

    public Delta(String text, String reasoning, List<ToolCallDelta> toolCalls, String finishReason, Usage usage, String modelName) {
        this(text, reasoning, toolCalls, finishReason, usage, modelName, null, null);
    }

    public static Delta text(String text) {
        return new Delta(text, null, null, null, null, null);
    }

    public static Delta reasoning(String reasoning) {
        return new Delta(null, reasoning, null, null, null, null);
    }

    /** The end of a reasoning block: its opaque signature (or encrypted content), to be sent back on the next turn. */
    public static Delta reasoningSignature(String signature) {
        return new Delta(null, null, null, null, null, null, signature, null);
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

    /** A whole content block of the provider's own protocol, e.g. Anthropic's {@code {"type":"redacted_thinking","data":…}}. */
    public static Delta nativeBlock(String blockJson) {
        return new Delta(null, null, null, null, null, null, null, null, null, null, blockJson);
    }

    /** The end of the answer: OpenAI's finish reason, and an Anthropic provider's own stop reason and stop sequence. */
    public static Delta finish(String finishReason, String stopReason, String stopSequence, Usage usage) {
        return new Delta(null, null, null, finishReason, usage, null, null, null, stopReason, stopSequence, null);
    }

    /**
     * Content the client sees (text, reasoning, a reasoning signature, a tool call or a native block): the first one
     * is the attempt's first token.
     */
    public boolean hasContent() {
        return (text != null && !text.isEmpty()) || (reasoning != null && !reasoning.isEmpty()) || !toolCalls.isEmpty()
                || (reasoningSignature != null && !reasoningSignature.isEmpty()) || nativeBlockJson != null;
    }
}
