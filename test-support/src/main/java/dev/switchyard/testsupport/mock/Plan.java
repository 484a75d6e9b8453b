package dev.switchyard.testsupport.mock;

import java.util.List;

/** What one answer will contain, independent of the wire format. */
final class Plan {
    enum Kind { TEXT, TOOL_CALL }

    final String id;
    final String model;
    final long created;
    final boolean stream;
    final boolean includeUsage;
    final int promptTokens;
    final Kind kind;
    /** Text pieces (one word + space each) or the fragments of the tool call's arguments. */
    final List<String> pieces;
    final String toolName;
    final String toolId;
    /** True when the answer was cut by the request's max tokens. */
    final boolean truncated;
    /** Renderer's per-answer cache (e.g. the common prefix of every chunk). */
    String cache;
    /** Reasoning shown before the answer (Anthropic thinking, a Responses reasoning summary), or null. */
    String reasoning;
    /** The reasoning's signature (Anthropic) or encrypted content (Responses), or null. */
    String signature;
    /** Anthropic: the data of a redacted_thinking block the answer starts with instead of a thinking block, or null. */
    String redactedThinking;
    /** Anthropic: the request's stop sequence that ended the answer, or null. */
    String stopSequence;
    /** The tool call is a Responses custom (free-form) tool call. */
    boolean customTool;
    /** Attach token logprobs to text chunks (OpenAI {@code logprobs: true}). */
    boolean logprobs;
    /**
     * The request named the function to call ({@code tool_choice: {"type":"function",...}}): OpenAI then ends the
     * tool call with finish_reason {@code stop}, not {@code tool_calls}, streamed or not.
     */
    boolean namedToolChoice;
    /** Next Responses {@code sequence_number}. */
    int seq;

    Plan(String id, String model, boolean stream, boolean includeUsage, int promptTokens, Kind kind,
         List<String> pieces, String toolName, String toolId, boolean truncated) {
        this.id = id;
        this.model = model;
        this.created = System.currentTimeMillis() / 1000;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.promptTokens = promptTokens;
        this.kind = kind;
        this.pieces = pieces;
        this.toolName = toolName;
        this.toolId = toolId;
        this.truncated = truncated;
    }

    int completionTokens() {
        return pieces.size();
    }

    String fullText() {
        StringBuilder sb = new StringBuilder();
        for (String p : pieces) {
            sb.append(p);
        }
        return sb.toString();
    }
}
