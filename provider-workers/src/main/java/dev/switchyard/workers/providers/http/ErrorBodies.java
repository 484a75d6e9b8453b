package dev.switchyard.workers.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.UpstreamFailure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * Reads providers' error answers. Both OpenAI ({@code {"error":{"message","type","param","code"}}}) and Anthropic
 * ({@code {"type":"error","error":{"type","message"}}}) put the details under {@code error}; anything else (an HTML
 * page from a proxy, plain text) becomes the message, truncated.
 */
public final class ErrorBodies {
    private static final int MAX_MESSAGE = 2000;

    private ErrorBodies() {
    }

    /** {@code header} looks a response header up by name (case-insensitive). */
    public static UpstreamFailure parse(int status, String body, Function<String, String> header) {
        Instant now = Instant.now();
        Duration retryAfter = retryAfter(header, now);
        if (retryAfter == null && status == 429) {
            retryAfter = RateLimitResets.of(header, now);
        }
        JsonNode error = null;
        try {
            JsonNode root = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
            if (root != null && root.has("error")) {
                error = root.get("error");
            }
        } catch (Exception e) {
            // not JSON: the text is the message
        }
        if (error != null && error.isObject()) {
            String message = Json.text(error, "message");
            return UpstreamFailure.http(status, Json.text(error, "type"), Json.text(error, "code"), Json.text(error, "param"),
                    message != null ? truncate(message) : "HTTP " + status, retryAfter);
        }
        if (error != null && error.isTextual()) {
            return UpstreamFailure.http(status, null, null, null, truncate(error.asText()), retryAfter);
        }
        String text = body == null || body.isBlank() ? "HTTP " + status + " from the provider" : truncate(body.strip());
        return UpstreamFailure.http(status, null, null, null, text, retryAfter);
    }

    /**
     * The provider's requested back-off: {@code retry-after-ms} (OpenAI), else {@code retry-after} in seconds or as
     * an HTTP date. Null when absent or unreadable.
     */
    public static Duration retryAfter(Function<String, String> header, Instant now) {
        String ms = header.apply("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis((long) Double.parseDouble(ms.strip()));
            } catch (NumberFormatException e) {
                // fall through to retry-after
            }
        }
        String value = header.apply("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value.strip()) * 1000));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
    }
}
