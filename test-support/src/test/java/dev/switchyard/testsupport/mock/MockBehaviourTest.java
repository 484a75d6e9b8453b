package dev.switchyard.testsupport.mock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MockBehaviourTest {
    @Test
    void parsesDirectivesAndStripsThem() {
        MockBehaviour.Directives d = MockBehaviour.parseDirectives(
                "Tell me [[mock:chunks=20]] a story [[mock:ttft=1500]][[mock:inter-token=15]] [[mock:hang]]");
        assertThat(d.unknown()).isEmpty();
        assertThat(d.strippedText()).isEqualTo("Tell me a story");
        assertThat(d.behaviour().chunks()).isEqualTo(20);
        assertThat(d.behaviour().ttftMs()).isEqualTo(1500);
        assertThat(d.behaviour().interTokenMs()).isEqualTo(15);
        assertThat(d.behaviour().hang()).isTrue();
        assertThat(d.behaviour().status()).isNull();
    }

    @Test
    void reportsUnknownAndMalformed() {
        MockBehaviour.Directives d = MockBehaviour.parseDirectives("[[mock:chunks=x]] [[mock:nope]] [[mock:status=429]]");
        assertThat(d.unknown()).containsExactly("[[mock:chunks=x]]", "[[mock:nope]]");
        assertThat(d.behaviour().status()).isEqualTo(429);
    }

    @Test
    void overlayKeepsWhatTheTopLeavesUnset() {
        MockBehaviour base = MockBehaviour.DEFAULTS.overlay(MockBehaviour.ofChunks(3).withTtftMs(100));
        MockBehaviour top = base.overlay(MockBehaviour.error(500));
        assertThat(top.chunks()).isEqualTo(3);
        assertThat(top.ttftMs()).isEqualTo(100);
        assertThat(top.status()).isEqualTo(500);
        assertThat(top.interTokenMs()).isZero();
        assertThat(MockBehaviour.DEFAULTS.overlay(MockBehaviour.none())).isEqualTo(MockBehaviour.DEFAULTS);
    }

    @Test
    void reasoningAndSamplingModelRules() {
        assertThat(OpenAiProtocol.isReasoningModel("gpt-5.2")).isTrue();
        assertThat(OpenAiProtocol.isReasoningModel("gpt-5-mini")).isTrue();
        assertThat(OpenAiProtocol.isReasoningModel("o3")).isTrue();
        assertThat(OpenAiProtocol.isReasoningModel("o4-mini")).isTrue();
        assertThat(OpenAiProtocol.isReasoningModel("gpt-4o")).isFalse();
        assertThat(OpenAiProtocol.isReasoningModel("gpt-5-chat-latest")).isFalse();
        assertThat(AnthropicProtocol.rejectsTemperatureWithTopP("claude-haiku-4-5")).isTrue();
        assertThat(AnthropicProtocol.rejectsTemperatureWithTopP("claude-opus-4-6")).isTrue();
        assertThat(AnthropicProtocol.rejectsTemperatureWithTopP("claude-sonnet-4-5-20250929")).isTrue();
        assertThat(AnthropicProtocol.rejectsTemperatureWithTopP("claude-opus-4-20250514")).isFalse();
        assertThat(AnthropicProtocol.rejectsTemperatureWithTopP("claude-3-7-sonnet-latest")).isFalse();
    }

    @Test
    void jsonEscaping() {
        assertThat(Json.quote("a\"b\\c\nd\u0001\u2028")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\\u2028\"");
    }
}
