package dev.switchyard.workers.providers.http;

import dev.switchyard.workers.providers.CallListener;

/**
 * Turns one provider's stream events into {@link dev.switchyard.workers.providers.Delta}s for a listener. One instance
 * per call. A decoder reports in-stream error events to the listener itself; {@link #isComplete()} says whether the
 * provider's end-of-stream marker was seen.
 */
public interface StreamDecoder {
    void onEvent(SseEvent event, CallListener listener);

    /** True once the provider's end-of-stream marker was seen: the answer is finished. */
    boolean isComplete();

    /**
     * Whether a body that ends here is a finished answer. By default only after the end marker; an OpenAI-compatible
     * host that omits {@code [DONE]} after a finish_reason is accepted too.
     */
    default boolean acceptsEndOfBody() {
        return isComplete();
    }
}
