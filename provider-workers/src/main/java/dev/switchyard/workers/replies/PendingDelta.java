package dev.switchyard.workers.replies;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.workers.providers.Delta;

import java.util.ArrayList;
import java.util.List;

/**
 * Deltas taken but not yet sent, merged into one. Every client renderer emits a chunk's parts in one order:
 * reasoning, then the reasoning signature that closes it, then text, then tool-call fragments. So a delta joins the
 * pending one only when its first part does not come before the pending one's last part ({@link #accepts}); otherwise
 * the pending delta must go out first, or the client would see the parts reordered. Tool-call fragments of the same
 * call are concatenated, the way clients accumulate them by index.
 */
final class PendingDelta {
    private static final int REASONING = 0;
    private static final int SIGNATURE = 1;
    private static final int TEXT = 2;
    private static final int TOOLS = 3;

    private final StringBuilder reasoning = new StringBuilder();
    private String signature;
    private final StringBuilder text = new StringBuilder();
    private final List<ToolCallDelta> toolCalls = new ArrayList<>();
    private int lastPart = -1;
    private int chars;

    boolean isEmpty() {
        return lastPart < 0;
    }

    /** Characters held: a bound on the reply record's size. */
    int chars() {
        return chars;
    }

    /** Whether {@code delta} can be merged in without reordering what the client sees. */
    boolean accepts(Delta delta) {
        if (isEmpty()) {
            return true;
        }
        int first = firstPart(delta);
        return first > lastPart || (first == lastPart && first != SIGNATURE);
    }

    void add(Delta delta) {
        if (has(delta.reasoning())) {
            reasoning.append(delta.reasoning());
            chars += delta.reasoning().length();
            lastPart = REASONING;
        }
        if (has(delta.reasoningSignature())) {
            signature = delta.reasoningSignature();
            chars += signature.length();
            lastPart = SIGNATURE;
        }
        if (has(delta.text())) {
            text.append(delta.text());
            chars += delta.text().length();
            lastPart = TEXT;
        }
        for (ToolCallDelta call : delta.toolCalls()) {
            appendToolCall(call);
            lastPart = TOOLS;
        }
    }

    String reasoning() {
        return reasoning.isEmpty() ? null : reasoning.toString();
    }

    String signature() {
        return signature;
    }

    String text() {
        return text.isEmpty() ? null : text.toString();
    }

    List<ToolCallDelta> toolCalls() {
        return List.copyOf(toolCalls);
    }

    void clear() {
        reasoning.setLength(0);
        signature = null;
        text.setLength(0);
        toolCalls.clear();
        lastPart = -1;
        chars = 0;
    }

    private void appendToolCall(ToolCallDelta call) {
        String arguments = call.getArguments();
        chars += arguments == null ? 0 : arguments.length();
        ToolCallDelta last = toolCalls.isEmpty() ? null : toolCalls.get(toolCalls.size() - 1);
        boolean continuesLast = last != null && last.getIndex() == call.getIndex() && call.getId() == null && call.getName() == null;
        if (!continuesLast) {
            toolCalls.add(ToolCallDelta.newBuilder(call).build()); // a copy: its arguments may grow below
        } else if (arguments != null) {
            last.setArguments(last.getArguments() == null ? arguments : last.getArguments() + arguments);
        }
    }

    private static int firstPart(Delta delta) {
        if (has(delta.reasoning())) {
            return REASONING;
        }
        if (has(delta.reasoningSignature())) {
            return SIGNATURE;
        }
        return has(delta.text()) ? TEXT : TOOLS;
    }

    private static boolean has(String s) {
        return s != null && !s.isEmpty();
    }
}
