package dev.switchyard.workers.providers.http;

import dev.switchyard.workers.providers.UpstreamFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorBodiesTest {

    @Test
    void keepsOpenAisErrorFields() {
        UpstreamFailure f = ErrorBodies.parse(400, "{\"error\":{\"message\":\"Invalid 'messages': empty array.\","
                + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"empty_array\"}}", h -> null);

        assertThat(f.status()).isEqualTo(400);
        assertThat(f.type()).isEqualTo("invalid_request_error");
        assertThat(f.param()).isEqualTo("messages");
        assertThat(f.code()).isEqualTo("empty_array");
        assertThat(f.message()).isEqualTo("Invalid 'messages': empty array.");
    }

    @Test
    void keepsAnthropicsErrorFields() {
        UpstreamFailure f = ErrorBodies.parse(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", h -> null);

        assertThat(f.status()).isEqualTo(529);
        assertThat(f.type()).isEqualTo("overloaded_error");
        assertThat(f.message()).isEqualTo("Overloaded");
    }

    @Test
    void aNonJsonBodyBecomesTheMessage() {
        UpstreamFailure f = ErrorBodies.parse(502, "<html>Bad gateway</html>", h -> null);

        assertThat(f.type()).isEqualTo("api_error");
        assertThat(f.message()).isEqualTo("<html>Bad gateway</html>");
    }

    @Test
    void readsRetryAfterInSecondsMillisecondsOrAsADate() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(ErrorBodies.retryAfter(Map.of("retry-after", "2")::get, now)).isEqualTo(Duration.ofSeconds(2));
        assertThat(ErrorBodies.retryAfter(Map.of("retry-after-ms", "1500", "retry-after", "2")::get, now)).isEqualTo(Duration.ofMillis(1500));
        assertThat(ErrorBodies.retryAfter(Map.of("retry-after", "Thu, 01 Jan 2026 00:00:30 GMT")::get, now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ErrorBodies.retryAfter(Map.<String, String>of()::get, now)).isNull();
    }
}
