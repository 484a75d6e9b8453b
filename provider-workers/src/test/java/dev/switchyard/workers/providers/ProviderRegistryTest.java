package dev.switchyard.workers.providers;

import dev.switchyard.core.catalog.ApiKind;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderRegistryTest {

    @Test
    void usesTheSdkEnvironmentVariables() {
        ProviderRegistry registry = new ProviderRegistry(new ProvidersConfig(Map.of(),
                Map.of("OPENAI_API_KEY", "sk-openai", "GEMINI_API_KEY", "gem-key", "ANTHROPIC_API_KEY", "sk-ant"), null));

        assertThat(registry.resolve("openai", ApiKind.OPENAI_CHAT)).get()
                .satisfies(s -> {
                    assertThat(s.baseUrl()).isEqualTo("https://api.openai.com/v1");
                    assertThat(s.apiKey()).isEqualTo("sk-openai");
                });
        assertThat(registry.resolve("google", ApiKind.OPENAI_CHAT)).get()
                .satisfies(s -> assertThat(s.baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/openai"));
        assertThat(registry.resolve("anthropic", ApiKind.ANTHROPIC_MESSAGES)).get()
                .satisfies(s -> {
                    assertThat(s.protocol()).isEqualTo(ProviderProtocol.ANTHROPIC_MESSAGES);
                    assertThat(s.baseUrl()).isEqualTo("https://api.anthropic.com");
                });
    }

    @Test
    void aBaseUrlWithoutKeyIsASelfHostedEndpoint() {
        ProviderRegistry registry = new ProviderRegistry(new ProvidersConfig(Map.of(),
                Map.of("OPENAI_BASE_URL", "http://gpu-box:8000/v1/"), "http://mock:1"));

        ProviderSettings openai = registry.resolve("openai", ApiKind.OPENAI_CHAT).orElseThrow();
        assertThat(openai.baseUrl()).isEqualTo("http://gpu-box:8000/v1");
        assertThat(openai.hasKey()).isFalse();
    }

    @Test
    void explicitConfigWinsOverTheEnvironment() {
        ProviderRegistry registry = new ProviderRegistry(new ProvidersConfig(
                Map.of("openai", new ProviderSettings("openai", null, "http://explicit/v1", null, null)),
                Map.of("OPENAI_BASE_URL", "http://env/v1", "OPENAI_API_KEY", "sk-env"), null));

        ProviderSettings openai = registry.resolve("openai", ApiKind.OPENAI_CHAT).orElseThrow();
        assertThat(openai.baseUrl()).isEqualTo("http://explicit/v1");
        assertThat(openai.apiKey()).isEqualTo("sk-env"); // a field the explicit entry left out comes from the env
    }

    @Test
    void unconfiguredProvidersGoToTheMockWithTheirProtocolsBaseUrl() {
        ProviderRegistry registry = new ProviderRegistry(ProvidersConfig.mock("http://127.0.0.1:9999/"));

        assertThat(registry.resolve("anthropic", ApiKind.ANTHROPIC_MESSAGES).orElseThrow().baseUrl()).isEqualTo("http://127.0.0.1:9999");
        assertThat(registry.resolve("xai", ApiKind.OPENAI_CHAT).orElseThrow().baseUrl()).isEqualTo("http://127.0.0.1:9999/v1");
    }

    @Test
    void withoutKeyBaseUrlOrMockAProviderIsNotConfigured() {
        ProviderRegistry registry = new ProviderRegistry(new ProvidersConfig(Map.of(), Map.of(), null));

        assertThat(registry.resolve("anthropic", ApiKind.ANTHROPIC_MESSAGES)).isEmpty();
        assertThat(ProviderRegistry.notConfiguredMessage("anthropic")).contains("ANTHROPIC_API_KEY").contains("ANTHROPIC_BASE_URL");
        assertThat(ProviderRegistry.notConfiguredMessage("google")).contains("GEMINI_API_KEY");
        assertThat(registry.resolve("ollama", ApiKind.OPENAI_CHAT)).get() // local server, no key needed
                .satisfies(s -> assertThat(s.baseUrl()).isEqualTo("http://localhost:11434/v1"));
    }

    @Test
    void keysNeverAppearInToStringOrRedactedMessages() {
        ProviderSettings settings = new ProviderSettings("openai", ProviderProtocol.OPENAI_CHAT, "https://api.openai.com/v1",
                "sk-proj-abcdefghijklmnopqrstuvwxyz", "env");

        assertThat(settings.toString()).doesNotContain("sk-proj").contains("***");
        assertThat(Secrets.redact("Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz.", settings.apiKey()))
                .doesNotContain("abcdefghijklmnop");
        assertThat(Secrets.redact("Incorrect API key provided: sk-proj-abcd**************wxyz.", settings.apiKey()))
                .doesNotContain("sk-proj-abcd").doesNotContain("wxyz").endsWith("provided: ***.");
        assertThat(Secrets.redact("Incorrect API key provided: sk-ant-****************************9f3c", null))
                .isEqualTo("Incorrect API key provided: ***");
    }
}
