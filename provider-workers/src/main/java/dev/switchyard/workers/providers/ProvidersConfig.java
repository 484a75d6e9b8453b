package dev.switchyard.workers.providers;

import java.util.Map;

/**
 * Where provider settings come from, in order: {@code explicit} (per provider id; any field may be null and is then
 * taken from the next source), the environment ({@code <PREFIX>_BASE_URL}, {@code <PREFIX>_API_KEY}), then — when
 * {@code mockBaseUrl} is set — the mock provider for every provider that has neither key nor base URL.
 */
public record ProvidersConfig(Map<String, ProviderSettings> explicit, Map<String, String> env, String mockBaseUrl) {

    public ProvidersConfig {
        explicit = explicit == null ? Map.of() : Map.copyOf(explicit);
        env = env == null ? Map.of() : Map.copyOf(env);
        mockBaseUrl = mockBaseUrl == null || mockBaseUrl.isBlank() ? null : stripSlash(mockBaseUrl);
    }

    /** Every provider is answered by the mock at {@code mockBaseUrl} (tests, the keyless local stack). */
    public static ProvidersConfig mock(String mockBaseUrl) {
        return new ProvidersConfig(Map.of(), Map.of(), mockBaseUrl);
    }

    /** The process environment, with an optional mock for providers it doesn't configure. */
    public static ProvidersConfig fromEnvironment(String mockBaseUrl) {
        return new ProvidersConfig(Map.of(), System.getenv(), mockBaseUrl);
    }

    static String stripSlash(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
