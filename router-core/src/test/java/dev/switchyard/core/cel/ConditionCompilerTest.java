package dev.switchyard.core.cel;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionCompilerTest {

    private static boolean eval(String expression, Map<String, ?> metadata) {
        return ConditionCompiler.compile(expression).matches(ConditionVariables.of(metadata, Map.of("model", "router/x", "message_count", 3L)));
    }

    @Test
    void bareMetadataKeysAreVariables() {
        assertThat(eval("language == \"es\"", Map.of("language", "es"))).isTrue();
        assertThat(eval("language == \"es\"", Map.of("language", "en"))).isFalse();
        assertThat(eval("tier > 2 && country in [\"ES\", \"MX\"]", Map.of("tier", 3L, "country", "MX"))).isTrue();
    }

    @Test
    void absentKeyIsFalseNotAnError() {
        assertThat(eval("language == \"es\"", Map.of())).isFalse();
        assertThat(eval("!(language == \"es\")", Map.of())).isFalse();
    }

    @Test
    void celErrorAbsorptionStillApplies() {
        assertThat(eval("language == \"es\" || plan == \"free\"", Map.of("plan", "free"))).isTrue();
        assertThat(eval("language == \"es\" && plan == \"free\"", Map.of("plan", "pro"))).isFalse();
    }

    @Test
    void wholeMapAndRequestFactsAreAvailable() {
        assertThat(eval("metadata[\"user-tier\"] == \"gold\"", Map.of("user-tier", "gold"))).isTrue();
        assertThat(eval("\"language\" in metadata", Map.of("language", "es"))).isTrue();
        assertThat(eval("has(metadata.language)", Map.of())).isFalse();
        assertThat(eval("request.message_count >= 3", Map.of())).isTrue();
    }

    @Test
    void typedValuesAndNullsWork() {
        assertThat(eval("is_vip", Map.of("is_vip", true))).isTrue();
        assertThat(eval("score >= 0.5", Map.of("score", 0.75))).isTrue();
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("language", null);
        assertThat(eval("language == null", withNull)).isTrue();
        assertThat(eval("tier > 2", Map.of("tier", "high"))).isFalse(); // type mismatch: false, not an error
    }

    @Test
    void wholeAndDecimalNumbersCompareAsNumbers() {
        // JSON has one number type: a client sends 1, not 1.0, and 2.5 where a rule says 1.
        assertThat(eval("score >= 0.5", Map.of("score", 1L))).isTrue();
        assertThat(eval("tier > 1", Map.of("tier", 2.5))).isTrue();
        assertThat(eval("max_cost < 10", Map.of("max_cost", 9.5))).isTrue();
        assertThat(eval("score < 0.5", Map.of("score", 1L))).isFalse();
        // A header's value is text: int() matches it and a JSON number alike (as the README advises).
        assertThat(eval("int(tier) == 2", Map.of("tier", "2"))).isTrue();
        assertThat(eval("int(tier) == 2", Map.of("tier", 2L))).isTrue();
    }

    @Test
    void syntaxErrorsAreRejectedWithCelsMessage() {
        assertThatThrownBy(() -> ConditionCompiler.compile("language == "))
                .isInstanceOf(InvalidConditionException.class)
                .hasMessageContaining("mismatched input");
    }

    @Test
    void nonBooleanConditionsAreRejected() {
        assertThatThrownBy(() -> ConditionCompiler.compile("\"es\""))
                .isInstanceOf(InvalidConditionException.class)
                .hasMessageContaining("boolean");
        assertThatThrownBy(() -> ConditionCompiler.compile("1 + 2"))
                .isInstanceOf(InvalidConditionException.class)
                .hasMessageContaining("int");
    }

    @Test
    void typeErrorsInsideTheExpressionAreRejected() {
        assertThatThrownBy(() -> ConditionCompiler.compile("1 == \"a\" && language"))
                .isInstanceOf(InvalidConditionException.class);
        assertThatThrownBy(() -> ConditionCompiler.compile("size(1)"))
                .isInstanceOf(InvalidConditionException.class);
    }
}
