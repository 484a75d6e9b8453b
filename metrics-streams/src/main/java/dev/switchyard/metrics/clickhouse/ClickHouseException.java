package dev.switchyard.metrics.clickhouse;

/** A ClickHouse statement failed (server error, unreachable server, timeout). */
public final class ClickHouseException extends RuntimeException {
    public ClickHouseException(String message, Throwable cause) {
        super(message, cause);
    }
}
