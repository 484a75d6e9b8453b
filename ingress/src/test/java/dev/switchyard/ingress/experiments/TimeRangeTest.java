package dev.switchyard.ingress.experiments;

import dev.switchyard.ingress.http.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeRangeTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void defaultsToTheLastSevenDays() {
        assertThat(TimeRange.parse(null, null, NOW)).isEqualTo(new TimeRange(NOW.minus(Duration.ofDays(7)), NOW));
        assertThat(TimeRange.parse("", " ", NOW)).isEqualTo(new TimeRange(NOW.minus(Duration.ofDays(7)), NOW));
    }

    @Test
    void acceptsIsoTimesDatesNowAndRelativeTimes() {
        assertThat(TimeRange.parse("24h", null, NOW).from()).isEqualTo(NOW.minus(Duration.ofHours(24)));
        assertThat(TimeRange.parse("30m", "now", NOW).from()).isEqualTo(NOW.minus(Duration.ofMinutes(30)));
        assertThat(TimeRange.parse("2w", "1d", NOW)).isEqualTo(new TimeRange(NOW.minus(Duration.ofDays(14)), NOW.minus(Duration.ofDays(1))));
        assertThat(TimeRange.parse("2026-11-20T08:30:00Z", "2026-11-21T09:30:00+01:00", NOW))
                .isEqualTo(new TimeRange(Instant.parse("2026-11-20T08:30:00Z"), Instant.parse("2026-11-21T08:30:00Z")));
        assertThat(TimeRange.parse("2026-11-20", null, NOW).from()).isEqualTo(Instant.parse("2026-11-20T00:00:00Z"));
    }

    @Test
    void refusesGarbageAndEmptyRanges() {
        assertThatThrownBy(() -> TimeRange.parse("last week", null, NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("from");
                });
        assertThatThrownBy(() -> TimeRange.parse(null, "12x", NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("to"));
        assertThatThrownBy(() -> TimeRange.parse("1h", "2h", NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("invalid_range"));
    }
}
