package dev.switchyard.workers.providers;

import dev.switchyard.core.catalog.ApiKind;

import java.util.Map;
import java.util.Optional;

/**
 * Resolves a provider id to the endpoint and key to call, from {@link ProvidersConfig}'s sources in order. A base URL
 * without a key is allowed (self-hosted hosts); a provider with neither key nor base URL is routed to the mock when
 * one is configured, to its public endpoint when it needs no key, and is otherwise "not configured".
 */
public final class ProviderRegistry {
    private final ProvidersConfig config;

    public ProviderRegistry(ProvidersConfig config) {
        this.config = config;
    }

    /** The settings to call {@code providerId} with for a model of the given API, or empty when not configured. */
    public Optional<ProviderSettings> resolve(String providerId, ApiKind api) {
        ProviderPreset preset = ProviderPresets.of(providerId);
        ProviderSettings explicit = config.explicit().get(providerId);
        ProviderProtocol protocol = explicit != null && explicit.protocol() != null ? explicit.protocol()
                : api != null ? ProviderProtocol.of(api) : preset.protocol();

        String baseUrl = explicit != null ? blankToNull(explicit.baseUrl()) : null;
        String key = explicit != null ? blankToNull(explicit.apiKey()) : null;
        String source = explicit != null ? "config" : null;
        Map<String, String> env = config.env();
        if (baseUrl == null && blankToNull(env.get(preset.baseUrlEnv())) != null) {
            baseUrl = env.get(preset.baseUrlEnv()).strip();
            source = source == null ? "env" : source + "+env";
        }
        if (key == null && blankToNull(env.get(preset.keyEnv())) != null) {
            key = env.get(preset.keyEnv()).strip();
            source = source == null ? "env" : source + "+env";
        }
        if (key != null || baseUrl != null) {
            String url = baseUrl != null ? baseUrl : preset.defaultBaseUrl();
            if (url == null) {
                return Optional.empty(); // a key for a host without a public endpoint: its base URL is still missing
            }
            return Optional.of(new ProviderSettings(providerId, protocol, ProvidersConfig.stripSlash(url), key, source));
        }
        if (config.mockBaseUrl() != null) {
            // The mock speaks Anthropic at /v1/messages and OpenAI at /v1/chat/completions, like the real SDK bases.
            String url = protocol == ProviderProtocol.ANTHROPIC_MESSAGES ? config.mockBaseUrl() : config.mockBaseUrl() + "/v1";
            return Optional.of(new ProviderSettings(providerId, protocol, url, "mock-key", "mock"));
        }
        if (!preset.keyRequired() && preset.defaultBaseUrl() != null) {
            return Optional.of(new ProviderSettings(providerId, protocol, preset.defaultBaseUrl(), null, "preset"));
        }
        return Optional.empty();
    }

    /** The message of the error a request gets when its provider is not configured. */
    public static String notConfiguredMessage(String providerId) {
        ProviderPreset preset = ProviderPresets.of(providerId);
        if (preset.defaultBaseUrl() == null) {
            return "provider '" + providerId + "' is not configured: set " + preset.baseUrlEnv()
                    + " (and " + preset.keyEnv() + " if the host needs a key)";
        }
        return "provider '" + providerId + "' is not configured: set " + preset.keyEnv()
                + " (or " + preset.baseUrlEnv() + " for a self-hosted endpoint)";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
