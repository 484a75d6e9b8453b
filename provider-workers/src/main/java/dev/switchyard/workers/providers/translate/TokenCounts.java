package dev.switchyard.workers.providers.translate;

import dev.switchyard.core.tokens.TokenEstimates;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.ProviderCall;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Answers to a count-tokens request ({@code ChatRequest.count_tokens}): one delta whose usage holds the input tokens
 * and whose finish reason says how they were counted, then the end of the call.
 */
public final class TokenCounts {
    /** The provider counted them. */
    public static final String COUNTED = "token_count";
    /** Switchyard estimated them (the provider has no counting endpoint). */
    public static final String ESTIMATED = "token_count_estimate";

    private TokenCounts() {
    }

    public static Delta delta(long inputTokens, String how) {
        Usage usage = Usage.newBuilder().setInputTokens(inputTokens).setOutputTokens(0).setCacheReadTokens(0)
                .setCacheWriteTokens(0).setReasoningTokens(0).build();
        return new Delta(null, null, null, how, usage, null);
    }

    /** Answers with an estimate, on the caller's context but after {@code start} returned (like a real call). */
    public static ProviderCall estimate(ChatRequest request, CallListener listener) {
        boolean[] cancelled = {false};
        Context context = Vertx.currentContext();
        Runnable answer = () -> {
            if (!cancelled[0]) {
                listener.onDelta(delta(TokenEstimates.estimate(request.getMessagesJson(), request.getToolsJson()), ESTIMATED));
                listener.onComplete();
            }
        };
        if (context != null) {
            context.runOnContext(v -> answer.run());
        } else {
            answer.run();
        }
        return () -> cancelled[0] = true;
    }
}
