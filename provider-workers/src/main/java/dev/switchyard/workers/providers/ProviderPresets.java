package dev.switchyard.workers.providers;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Built-in provider presets. A provider id not listed here (an operator's own catalog entry) gets an OpenAI-compatible
 * preset without a default endpoint and environment variables named after its id ({@code my-host} →
 * {@code MY_HOST_API_KEY}/{@code MY_HOST_BASE_URL}).
 */
public final class ProviderPresets {
    private static final Map<String, ProviderPreset> PRESETS = new LinkedHashMap<>();

    static {
        openAi("openai", "https://api.openai.com/v1", "OPENAI");
        add(new ProviderPreset("anthropic", ProviderProtocol.ANTHROPIC_MESSAGES, "https://api.anthropic.com", "ANTHROPIC", true));
        // Gemini through its OpenAI-compatible endpoint; the key variable is the one Google's own SDKs read.
        openAi("google", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI");
        openAi("xai", "https://api.x.ai/v1", "XAI");
        openAi("deepseek", "https://api.deepseek.com/v1", "DEEPSEEK");
        openAi("groq", "https://api.groq.com/openai/v1", "GROQ");
        openAi("mistral", "https://api.mistral.ai/v1", "MISTRAL");
        openAi("together", "https://api.together.xyz/v1", "TOGETHER");
        openAi("fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS");
        openAi("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER");
        openAi("moonshot", "https://api.moonshot.ai/v1", "MOONSHOT");
        openAi("cerebras", "https://api.cerebras.ai/v1", "CEREBRAS");
        openAi("perplexity", "https://api.perplexity.ai", "PERPLEXITY");
        openAi("zhipu", "https://open.bigmodel.cn/api/paas/v4", "ZHIPU");
        openAi("minimax", "https://api.minimax.io/v1", "MINIMAX");
        openAi("volcengine", "https://ark.cn-beijing.volces.com/api/v3", "VOLCENGINE");
        add(new ProviderPreset("ollama", ProviderProtocol.OPENAI_CHAT, "http://localhost:11434/v1", "OLLAMA", false));
        add(new ProviderPreset("vllm", ProviderProtocol.OPENAI_CHAT, null, "VLLM", false));
    }

    private ProviderPresets() {
    }

    private static void openAi(String id, String baseUrl, String envPrefix) {
        add(new ProviderPreset(id, ProviderProtocol.OPENAI_CHAT, baseUrl, envPrefix, true));
    }

    private static void add(ProviderPreset preset) {
        PRESETS.put(preset.id(), preset);
    }

    public static ProviderPreset of(String providerId) {
        ProviderPreset preset = PRESETS.get(providerId);
        if (preset != null) {
            return preset;
        }
        String prefix = providerId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return new ProviderPreset(providerId, ProviderProtocol.OPENAI_CHAT, null, prefix, false);
    }

    public static Map<String, ProviderPreset> all() {
        return Map.copyOf(PRESETS);
    }
}
