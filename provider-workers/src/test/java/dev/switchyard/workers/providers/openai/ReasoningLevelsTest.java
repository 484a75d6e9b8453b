package dev.switchyard.workers.providers.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReasoningLevelsTest {
    @Test
    void eachFamilyHasTheEffortsOpenAiValidates() {
        assertThat(efforts("gpt-5")).containsExactly("minimal", "low", "medium", "high");
        assertThat(efforts("gpt-5-nano-2025-08-07")).containsExactly("minimal", "low", "medium", "high");
        assertThat(efforts("gpt-5.1")).containsExactly("none", "low", "medium", "high");
        assertThat(efforts("gpt-5.2-2025-12-11")).containsExactly("none", "low", "medium", "high", "xhigh");
        assertThat(efforts("gpt-5.4-mini")).containsExactly("none", "low", "medium", "high", "xhigh");
        assertThat(efforts("gpt-5-codex")).containsExactly("low", "medium", "high");
        assertThat(efforts("gpt-5.1-codex-mini")).containsExactly("low", "medium", "high");
        assertThat(efforts("gpt-5.1-codex-max")).containsExactly("low", "medium", "high", "xhigh");
        assertThat(efforts("gpt-5.3-codex")).containsExactly("low", "medium", "high", "xhigh");
        assertThat(efforts("gpt-5-pro")).containsExactly("high");
        assertThat(efforts("gpt-5.2-pro")).containsExactly("medium", "high", "xhigh");
        assertThat(efforts("gpt-5.2-chat-latest")).containsExactly("medium");
        assertThat(efforts("gpt-5-chat-latest")).isEmpty();
        assertThat(efforts("o3")).containsExactly("low", "medium", "high");
        assertThat(efforts("o4-mini-2025-04-16")).containsExactly("low", "medium", "high");
    }

    @Test
    void theSameModelBehindAnotherHostIsKnownByItsName() {
        assertThat(efforts("openai/o3")).containsExactly("low", "medium", "high");
        assertThat(efforts("openai/GPT-5.1")).containsExactly("none", "low", "medium", "high");
    }

    @Test
    void modelsItDoesNotKnowHaveNoLevels() {
        assertThat(ReasoningLevels.of("gpt-4.1")).isEmpty();
        assertThat(ReasoningLevels.of("gpt-5-search-api")).isEmpty();
        assertThat(ReasoningLevels.of("deepseek-reasoner")).isEmpty();
    }

    @Test
    void theClosestEffortTiesTowardsLessReasoning() {
        ReasoningLevels gpt52 = ReasoningLevels.of("gpt-5.2").orElseThrow();
        assertThat(gpt52.closest("minimal")).contains("none");
        assertThat(gpt52.closest("max")).contains("xhigh");
        assertThat(gpt52.closest("medium")).contains("medium");
        assertThat(gpt52.closest("ultra")).contains("ultra"); // not OpenAI's word: the provider judges it
        assertThat(ReasoningLevels.of("gpt-5").orElseThrow().closest("none")).contains("minimal");
        assertThat(ReasoningLevels.of("gpt-5-chat-latest").orElseThrow().closest("low")).isEmpty();
    }

    @Test
    void samplingPassesOnlyWhereTheModelDoesNotReason() {
        ReasoningLevels gpt52 = ReasoningLevels.of("gpt-5.2").orElseThrow();
        assertThat(gpt52.acceptsSampling(null)).isTrue(); // its default is none
        assertThat(gpt52.acceptsSampling("none")).isTrue();
        assertThat(gpt52.acceptsSampling("low")).isFalse();
        assertThat(ReasoningLevels.of("gpt-5").orElseThrow().acceptsSampling(null)).isFalse();
        assertThat(ReasoningLevels.of("o3").orElseThrow().acceptsSampling(null)).isFalse();
        assertThat(ReasoningLevels.of("gpt-5-chat-latest").orElseThrow().acceptsSampling(null)).isTrue();
        assertThat(ReasoningLevels.of("gpt-5.2-chat-latest").orElseThrow().acceptsSampling(null)).isFalse();
    }

    private static List<String> efforts(String name) {
        return ReasoningLevels.of(name).orElseThrow().efforts();
    }
}
