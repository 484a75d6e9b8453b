package dev.switchyard.workers.providers.http;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a 429 without {@code Retry-After} may be retried, from the providers' rate-limit headers: OpenAI's
 * {@code x-ratelimit-reset-requests} / {@code -tokens} (Go durations: "1s", "6m0s", "120ms"; a daily request cap
 * answers with these alone) and Anthropic's {@code anthropic-ratelimit-*-reset} (RFC 3339 instants). The budgets that
 * are exhausted ({@code remaining} 0) decide, the later reset winning; when none says so, the later of all. Without
 * this, such a 429 counted as a breaker failure and the model was skipped for the fixed cool-down, not until the
 * provider's reset.
 */
final class RateLimitResets {
    private static final List<String> OPENAI = List.of("requests", "tokens");
    private static final List<String> ANTHROPIC = List.of("requests", "tokens", "input-tokens", "output-tokens");
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private RateLimitResets() {
    }

    /** The wait until the provider's exhausted budget resets; null when the headers say nothing usable. */
    static Duration of(Function<String, String> header, Instant now) {
        Duration exhausted = null;
        Duration any = null;
        for (String budget : OPENAI) {
            Duration reset = goDuration(header.apply("x-ratelimit-reset-" + budget));
            any = later(any, reset);
            if ("0".equals(strip(header.apply("x-ratelimit-remaining-" + budget)))) {
                exhausted = later(exhausted, reset);
            }
        }
        for (String budget : ANTHROPIC) {
            Duration reset = until(header.apply("anthropic-ratelimit-" + budget + "-reset"), now);
            any = later(any, reset);
            if ("0".equals(strip(header.apply("anthropic-ratelimit-" + budget + "-remaining")))) {
                exhausted = later(exhausted, reset);
            }
        }
        return exhausted != null ? exhausted : any;
    }

    /** A Go duration string ("1h2m3.5s", "120ms"); null when absent or not one. */
    static Duration goDuration(String value) {
        String v = strip(value);
        if (v == null || v.isEmpty()) {
            return null;
        }
        Matcher m = GO_DURATION_PART.matcher(v);
        double nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            double amount = Double.parseDouble(m.group(1));
            nanos += amount * switch (m.group(2)) {
                case "h" -> 3_600e9;
                case "m" -> 60e9;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs" -> 1e3;
                default -> 1;
            };
        }
        return end == v.length() && end > 0 ? Duration.ofNanos((long) nanos) : null;
    }

    private static Duration until(String rfc3339, Instant now) {
        String v = strip(rfc3339);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            Instant at = OffsetDateTime.parse(v).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Duration later(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }
}
