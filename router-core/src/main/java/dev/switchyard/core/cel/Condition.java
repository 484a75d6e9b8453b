package dev.switchyard.core.cel;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

import java.util.Map;

/**
 * A compiled route condition. Evaluation never throws: a condition that cannot be evaluated (a metadata key that is
 * absent, a type mismatch) is false, so a missing key never errors a request. CEL's own error absorption still
 * applies inside the expression ({@code absent == "x" || plan == "free"} is true for a free plan).
 */
public final class Condition {
    private final String expression;
    private final CelRuntime.Program program;

    Condition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    public String expression() {
        return expression;
    }

    /** @param variables metadata keys as variables, plus {@code metadata} and {@code request} maps. */
    public boolean matches(Map<String, ?> variables) {
        try {
            return Boolean.TRUE.equals(program.eval(variables));
        } catch (CelEvaluationException | RuntimeException e) {
            return false;
        }
    }
}
