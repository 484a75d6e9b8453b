package dev.switchyard.workers.providers;

/**
 * One upstream API (OpenAI chat completions, Anthropic Messages; later the Responses API, native Gemini). The failover
 * logic only sees this interface: a call streams {@link Delta}s to a listener and can be cancelled.
 */
public interface ProviderAdapter {
    /**
     * Starts the call; must be invoked on a Vert.x context, whose thread then receives the listener's callbacks.
     * Never throws: a request that can't be translated is reported to the listener as a failure.
     */
    ProviderCall start(CallSpec spec, CallListener listener);
}
