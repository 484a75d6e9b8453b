package dev.switchyard.metrics.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.command.CommandResponse;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ClickHouse operations Switchyard needs, over the official client ({@code com.clickhouse:client-v2}), in the
 * subset that works on Debian's ClickHouse 18.16 as well as on current servers: server-response compression off,
 * inserts as {@code JSONEachRow}, reads as {@code JSONEachRow} text (not the binary readers). Thread-safe.
 */
public final class ClickHouseConnection implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;

    private final ClickHouseEndpoint endpoint;
    private final Client client;

    public ClickHouseConnection(ClickHouseEndpoint endpoint) {
        this.endpoint = endpoint;
        this.client = newClient(endpoint, endpoint.database());
    }

    private static Client newClient(ClickHouseEndpoint endpoint, String database) {
        return new Client.Builder()
                .addEndpoint(endpoint.url())
                .setUsername(endpoint.user())
                .setPassword(endpoint.password())
                .setDefaultDatabase(database)
                .serverSetting("database", database) // the URL parameter: 18.16 ignores the client's database header
                .compressServerResponse(false) // 18.16 answers compressed requests with an empty body
                .setConnectTimeout(10, ChronoUnit.SECONDS)
                .setSocketTimeout(TIMEOUT_SECONDS, ChronoUnit.SECONDS)
                .setClientName("switchyard-metrics")
                .build();
    }

    public ClickHouseEndpoint endpoint() {
        return endpoint;
    }

    /** Creates the endpoint's database if it is missing (through the {@code default} database, which always exists). */
    public void ensureDatabase() {
        if ("default".equals(endpoint.database())) {
            return;
        }
        try (Client bootstrap = newClient(endpoint, "default")) {
            run(() -> bootstrap.execute("CREATE DATABASE IF NOT EXISTS " + endpoint.database()), "create database")
                    .close();
        } catch (Exception e) {
            throw failure("create database " + endpoint.database(), e);
        }
    }

    /** Runs one statement (DDL, or an INSERT with inline values). */
    public void execute(String sql) {
        try (CommandResponse ignored = run(() -> client.execute(sql), sql)) {
            // the response carries nothing we need
        } catch (Exception e) {
            throw failure(sql, e);
        }
    }

    /** Inserts {@code rows} (each one JSON object, without newline) into {@code table}; returns when ClickHouse has them. */
    public void insertJsonRows(String table, List<byte[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int size = rows.stream().mapToInt(r -> r.length + 1).sum();
        byte[] body = new byte[size];
        int at = 0;
        for (byte[] row : rows) {
            System.arraycopy(row, 0, body, at, row.length);
            at += row.length;
            body[at++] = '\n';
        }
        try (InsertResponse ignored = run(() -> client.insert(table, new ByteArrayInputStream(body), ClickHouseFormat.JSONEachRow),
                "insert into " + table)) {
            // acknowledged
        } catch (Exception e) {
            throw failure("insert of " + rows.size() + " rows into " + table, e);
        }
    }

    /** Runs a SELECT (without a FORMAT clause) and returns its rows. 64-bit integers come back as JSON strings. */
    public List<JsonNode> query(String select) {
        String sql = select + "\nFORMAT JSONEachRow";
        List<JsonNode> rows = new ArrayList<>();
        try (QueryResponse response = run(() -> client.query(sql), select);
             BufferedReader reader = new BufferedReader(new InputStreamReader(response.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
            return rows;
        } catch (Exception e) {
            throw failure(select, e);
        }
    }

    /** The single number a query like {@code SELECT count() FROM t} returns. */
    public long queryLong(String select) {
        List<JsonNode> rows = query(select);
        if (rows.isEmpty()) {
            throw new ClickHouseException("no row from: " + select, null);
        }
        return rows.get(0).elements().next().asLong();
    }

    public boolean ping() {
        return client.ping(2_000);
    }

    @Override
    public void close() {
        client.close();
    }

    private interface Call<T> {
        java.util.concurrent.CompletableFuture<T> start() throws Exception;
    }

    private static <T> T run(Call<T> call, String what) throws Exception {
        try {
            return call.start().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IOException("ClickHouse did not answer within " + TIMEOUT_SECONDS + " s: " + abbreviate(what), e);
        }
    }

    private ClickHouseException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (e instanceof ClickHouseException c) {
            return c;
        }
        return new ClickHouseException("ClickHouse at " + endpoint.url() + " failed: " + abbreviate(what) + ": " + e.getMessage(), e);
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
