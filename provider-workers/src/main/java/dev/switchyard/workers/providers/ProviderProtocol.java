package dev.switchyard.workers.providers;

import dev.switchyard.core.catalog.ApiKind;

/** The wire protocol a provider endpoint speaks. */
public enum ProviderProtocol {
    /** POST {base}/chat/completions: OpenAI and every OpenAI-compatible host (Gemini's compat endpoint, vLLM, ...). */
    OPENAI_CHAT,
    /** POST {base}/v1/messages: Anthropic. */
    ANTHROPIC_MESSAGES,
    /** POST {base}/responses: the OpenAI Responses API (models that only speak it, such as the codex and pro models). */
    OPENAI_RESPONSES;

    /** The protocol used to call a catalog model. */
    public static ProviderProtocol of(ApiKind api) {
        return switch (api) {
            case ANTHROPIC_MESSAGES -> ANTHROPIC_MESSAGES;
            case OPENAI_RESPONSES -> OPENAI_RESPONSES;
            case OPENAI_CHAT -> OPENAI_CHAT;
        };
    }
}
