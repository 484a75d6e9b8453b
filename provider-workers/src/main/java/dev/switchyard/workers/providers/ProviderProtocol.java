package dev.switchyard.workers.providers;

import dev.switchyard.core.catalog.ApiKind;

/** The wire protocol a provider endpoint speaks. */
public enum ProviderProtocol {
    /** POST {base}/chat/completions: OpenAI and every OpenAI-compatible host (Gemini's compat endpoint, vLLM, ...). */
    OPENAI_CHAT,
    /** POST {base}/v1/messages: Anthropic. */
    ANTHROPIC_MESSAGES;

    /**
     * The protocol used to call a catalog model. The Responses API has no adapter yet: those models are called through
     * chat completions (hosts that only serve them through /v1/responses answer with their own 4xx, passed to the client).
     */
    public static ProviderProtocol of(ApiKind api) {
        return api == ApiKind.ANTHROPIC_MESSAGES ? ANTHROPIC_MESSAGES : OPENAI_CHAT;
    }
}
