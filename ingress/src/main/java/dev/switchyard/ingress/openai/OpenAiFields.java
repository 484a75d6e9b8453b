package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.router.RouterValidationException;
import dev.switchyard.ingress.chat.RequestFields;
import dev.switchyard.ingress.chat.SwitchyardHeaders;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.List;
import java.util.function.Predicate;

/**
 * Typed top-level fields of OpenAI-shaped bodies (chat completions and Responses), each rejected with the 400 OpenAI
 * answers for it. Absent and {@code null} both mean "not given".
 */
public final class OpenAiFields {
    private OpenAiFields() {
    }

    /** Rejects a body that is not a JSON object. */
    public static void requireObject(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object, but got " + Json.describe(body) + ".");
        }
    }

    /**
     * {@code model}, required (or, OpenRouter's way, the first of {@code models}); {@code missing} is the message the
     * endpoint gives when it is absent or blank.
     */
    public static String requiredModel(JsonNode body, String missing) {
        JsonNode model = RequestFields.modelField(body);
        if (model == null || model.isNull() || (model.isTextual() && model.asText().isBlank())) {
            throw ApiException.invalid("model", "missing_required_parameter", missing);
        }
        if (!model.isTextual()) {
            throw ApiException.invalidType("model", "a string", Json.describe(model));
        }
        return model.asText();
    }

    public static Boolean optBoolean(JsonNode body, String name) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.invalidType(name, "a boolean", Json.describe(value));
        }
        return value.asBoolean();
    }

    /** A boolean that is false when not given. */
    public static boolean flag(JsonNode body, String name) {
        return Boolean.TRUE.equals(optBoolean(body, name));
    }

    public static Double optDouble(JsonNode body, String name) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.invalidType(name, "a number", Json.describe(value));
        }
        return value.asDouble();
    }

    public static Long optLong(JsonNode body, String name) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.invalidType(name, "an integer", Json.describe(value));
        }
        return value.asLong();
    }

    public static Integer optPositiveInt(JsonNode body, String name) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw ApiException.invalidType(name, "an integer", Json.describe(value));
        }
        if (value.asInt() < 1) {
            throw ApiException.invalid(name, "integer_below_min_value", "Invalid '" + name
                    + "': integer below minimum value. Expected a value >= 1, but got " + value.asInt() + " instead.");
        }
        return value.asInt();
    }

    public static String optString(JsonNode body, String name) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.invalidType(name, "a string", Json.describe(value));
        }
        return value.asText();
    }

    /** A field forwarded as JSON when {@code accepted} takes it; {@code expected} names what it should have been. */
    public static String optJson(JsonNode body, String name, Predicate<JsonNode> accepted, String expected) {
        JsonNode value = given(body, name);
        if (value == null) {
            return null;
        }
        if (!accepted.test(value)) {
            throw ApiException.invalidType(name, expected, Json.describe(value));
        }
        return Json.write(value);
    }

    /**
     * The user a router's split keeps sticky: {@code user}, else {@code safety_identifier} (OpenAI's newer name for
     * it), else the {@code X-Switchyard-User} header; null when none is given.
     */
    public static String stickyUser(JsonNode body, MultiMap headers) {
        for (String field : List.of("user", "safety_identifier")) {
            String user = optString(body, field);
            if (user != null && !user.isEmpty()) {
                return user;
            }
        }
        String header = headers.get(SwitchyardHeaders.USER);
        return header == null || header.isEmpty() ? null : header;
    }

    /** A rejected {@code fallback} in OpenAI's error shape. */
    public static ApiException invalidFallback(RouterValidationException e) {
        return ApiException.invalid(e.field(), "invalid_value", e.getMessage());
    }

    private static JsonNode given(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }
}
