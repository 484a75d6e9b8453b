package dev.switchyard.metrics.clickhouse;

import java.util.Objects;

/**
 * Where ClickHouse is: its HTTP URL ({@code http://127.0.0.1:8123}), credentials and the database Switchyard's
 * tables live in (created if missing). {@link #toString()} never shows the password.
 */
public record ClickHouseEndpoint(String url, String user, String password, String database) {

    public ClickHouseEndpoint {
        Objects.requireNonNull(url, "url");
        user = user == null || user.isBlank() ? "default" : user;
        password = password == null ? "" : password;
        database = database == null || database.isBlank() ? "default" : database;
        if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("database must be an identifier of letters, digits and '_': " + database);
        }
    }

    /** The default user without a password, database {@code default}. */
    public static ClickHouseEndpoint of(String url) {
        return new ClickHouseEndpoint(url, "default", "", "default");
    }

    public ClickHouseEndpoint withDatabase(String value) {
        return new ClickHouseEndpoint(url, user, password, value);
    }

    @Override
    public String toString() {
        return "ClickHouseEndpoint[" + url + ", user " + user + ", database " + database + "]";
    }
}
