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

    @Test
    void aRateLimitWithoutRetryAfterWaitsForTheExhaustedBudgetsReset() {
        // OpenAI's daily request cap: no Retry-After, the requests budget at 0 until it resets.
        Map<String, String> openAi = Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "6m0s",
                "x-ratelimit-remaining-tokens", "29000", "x-ratelimit-reset-tokens", "120ms");
        assertThat(ErrorBodies.parse(429, "{\"error\":{\"message\":\"Rate limit reached\"}}", openAi::get).retryAfter())
                .isEqualTo(Duration.ofMinutes(6));
        // Nothing says which budget ran out: the later reset.
        assertThat(ErrorBodies.parse(429, "{}", Map.of("x-ratelimit-reset-requests", "1.5s",
                "x-ratelimit-reset-tokens", "20ms")::get).retryAfter()).isEqualTo(Duration.ofMillis(1500));
        // Anthropic's resets are instants; Retry-After, when present, still wins.
        String inAMinute = Instant.now().plusSeconds(60).toString();
        Duration anthropic = ErrorBodies.parse(429, "{}", Map.of("anthropic-ratelimit-output-tokens-remaining", "0",
                "anthropic-ratelimit-output-tokens-reset", inAMinute)::get).retryAfter();
        assertThat(anthropic).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(60));
        assertThat(ErrorBodies.parse(429, "{}", Map.of("retry-after", "3", "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-reset-requests", "6m0s")::get).retryAfter()).isEqualTo(Duration.ofSeconds(3));
        // Only a 429 reads them: a 500 with these headers is no rate limit.
        assertThat(ErrorBodies.parse(500, "{}", openAi::get).retryAfter()).isNull();
    }

    @Test
    void goDurationsAsOpenAiWritesThem() {
        assertThat(RateLimitResets.goDuration("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(RateLimitResets.goDuration("120ms")).isEqualTo(Duration.ofMillis(120));
        assertThat(RateLimitResets.goDuration("0s")).isEqualTo(Duration.ZERO);
        assertThat(RateLimitResets.goDuration("6 minutes")).isNull();
        assertThat(RateLimitResets.goDuration("")).isNull();
    }
}
