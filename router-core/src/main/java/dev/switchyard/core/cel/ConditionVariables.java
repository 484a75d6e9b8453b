package dev.switchyard.core.cel;

import java.util.HashMap;
import java.util.Map;

/**
 * Builds the CEL activation of a request: each metadata key as a variable of its own (when it is a valid
 * identifier and not a reserved name), {@code metadata} as the whole map and {@code request} as facts about the
 * request. Integers are widened to long and floats to double, as CEL expects.
 */
public final class ConditionVariables {
    private ConditionVariables() {
    }

    public static Map<String, Object> of(Map<String, ?> metadata, Map<String, ?> requestFacts) {
        Map<String, Object> normalised = new HashMap<>();
        for (Map.Entry<String, ?> entry : metadata.entrySet()) {
            normalised.put(entry.getKey(), normalise(entry.getValue()));
        }
        Map<String, Object> variables = new HashMap<>(normalised);
        variables.put(ConditionCompiler.METADATA_VARIABLE, normalised);
        variables.put(ConditionCompiler.REQUEST_VARIABLE, requestFacts);
        return variables;
    }

    private static Object normalise(Object value) {
        if (value == null) {
            return com.google.protobuf.NullValue.NULL_VALUE; // CEL's null
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof CharSequence s) {
            return s.toString();
        }
        return value;
    }
}
