package dev.switchyard.metrics.clickhouse;

import java.time.Instant;

/**
 * SQL literals. ClickHouse 18.16 has no query parameters, so values are inlined, always through these.
 */
public final class Sql {
    private Sql() {
    }

    /** A string literal: backslashes and single quotes escaped, as ClickHouse's lexer expects. */
    public static String string(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /** A DateTime expression for {@code instant}, to the second (DateTime has no sub-second part). */
    public static String dateTime(Instant instant) {
        return "toDateTime(" + instant.getEpochSecond() + ")";
    }
}
