package dev.switchyard.core.router;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in fallback objects: {@code "500ms"}, {@code "0.5s"}, {@code "2m"}, or a number of milliseconds. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?\\s*");

    private Durations() {
    }

    public static Long parseMillis(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            return checked(node.asDouble(), field);
        }
        if (node.isTextual()) {
            Matcher m = DURATION.matcher(node.asText());
            if (m.matches()) {
                double value = Double.parseDouble(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                double millis = switch (unit) {
                    case "s" -> value * 1000;
                    case "m" -> value * 60_000;
                    default -> value;
                };
                return checked(millis, field);
            }
        }
        throw new RouterValidationException(field, "expected a duration such as \"500ms\" or \"0.5s\", got " + node);
    }

    public static String format(Long millis) {
        return millis == null ? null : millis + "ms";
    }

    private static long checked(double millis, String field) {
        if (millis < 0 || millis > 3_600_000) {
            throw new RouterValidationException(field, "duration must be between 0 and 1h");
        }
        return Math.round(millis);
    }
}
