package dev.switchyard.workers.providers;

/** A running provider call. */
public interface ProviderCall {
    /**
     * Stops the call: closes the upstream connection (so the provider stops generating, and billing, tokens) and
     * silences the listener. Idempotent; call it on the context the call was started from.
     */
    void cancel();
}
