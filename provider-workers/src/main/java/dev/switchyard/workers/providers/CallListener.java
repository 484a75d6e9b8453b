package dev.switchyard.workers.providers;

/**
 * Receives one provider call's stream, on the Vert.x context the call was started from. After {@link #onComplete}
 * or {@link #onError} nothing more arrives; after {@link ProviderCall#cancel()} nothing arrives at all.
 */
public interface CallListener {
    void onDelta(Delta delta);

    /** The provider finished the answer (OpenAI {@code [DONE]}, Anthropic {@code message_stop}). */
    void onComplete();

    void onError(UpstreamFailure failure);
}
