package dev.switchyard.ingress.experiments;

import dev.switchyard.ingress.http.ApiException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code from} / {@code to} query parameters of the report and time-series endpoints. Each is an ISO-8601 time
 * ({@code 2026-11-24T10:00:00Z}, or with an offset), a UTC date ({@code 2026-11-24}: its start), {@code now}, or a
 * time relative to now ({@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}: that long ago). Defaults: {@code to} now,
 * {@code from} seven days before {@code to}.
 */
public record TimeRange(Instant from, Instant to) {
    public static final Duration DEFAULT_SPAN = Duration.ofDays(7);
    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,6})\\s*(s|m|h|d|w)");

    public static TimeRange parse(String from, String to, Instant now) {
        Instant end = blank(to) ? now : instant("to", to, now);
        Instant start = blank(from) ? end.minus(DEFAULT_SPAN) : instant("from", from, now);
        if (!start.isBefore(end)) {
            throw ApiException.invalid("from", "invalid_range", "'from' (" + start + ") must be before 'to' (" + end + ").");
        }
        return new TimeRange(start, end);
    }

    static Instant instant(String param, String value, Instant now) {
        String v = value.trim();
        if (v.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher relative = RELATIVE.matcher(v);
        if (relative.matches()) {
            long n = Long.parseLong(relative.group(1));
            Duration unit = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                case "d" -> Duration.ofDays(1);
                default -> Duration.ofDays(7);
            };
            return now.minus(unit.multipliedBy(n));
        }
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException e) {
            throw ApiException.invalid(param, "invalid_value", "'" + param + "' must be an ISO-8601 time (2026-11-24T10:00:00Z), "
                    + "a date (2026-11-24), 'now' or a time ago like 30m, 24h, 7d, 2w; got '" + value + "'.");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
