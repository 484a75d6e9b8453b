package dev.switchyard.workers.providers;

/**
 * How to reach one provider: protocol, base URL (as the provider's SDK takes it: OpenAI-style hosts include
 * {@code /v1}, Anthropic does not) and API key (null for hosts that need none). {@code source} says where the
 * settings came from (config, env, mock, preset), for logs. The key never appears in {@link #toString()}.
 */
public record ProviderSettings(String id, ProviderProtocol protocol, String baseUrl, String apiKey, String source) {

    public boolean hasKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        return "ProviderSettings[id=" + id + ", protocol=" + protocol + ", baseUrl=" + baseUrl
                + ", apiKey=" + (hasKey() ? "***" : "none") + ", source=" + source + "]";
    }
}
