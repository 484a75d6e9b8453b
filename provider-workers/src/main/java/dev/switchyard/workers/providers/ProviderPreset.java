package dev.switchyard.workers.providers;

/**
 * What Switchyard knows about a provider without configuration: its protocol, public endpoint and the prefix of the
 * environment variables its own SDK reads ({@code <PREFIX>_API_KEY}, {@code <PREFIX>_BASE_URL}).
 * {@code defaultBaseUrl} may be null (self-hosted servers such as vLLM have no public endpoint).
 * {@code keyRequired=false} marks local servers that answer without a key (Ollama, vLLM).
 */
public record ProviderPreset(String id, ProviderProtocol protocol, String defaultBaseUrl, String envPrefix, boolean keyRequired) {

    public String keyEnv() {
        return envPrefix + "_API_KEY";
    }

    public String baseUrlEnv() {
        return envPrefix + "_BASE_URL";
    }
}
