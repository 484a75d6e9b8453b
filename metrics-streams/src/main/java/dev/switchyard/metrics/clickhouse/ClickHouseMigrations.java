package dev.switchyard.metrics.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbered schema migrations, applied at start-up in order and recorded in {@code schema_migrations}.
 *
 * <p>The files live in {@code clickhouse/migrations/} on the class path and are listed, in order, in its
 * {@code index.txt} (a jar can't be listed reliably). A migration already recorded is skipped, so a second start
 * applies nothing; one whose file changed since it was applied stops the start-up. Statements are written to be
 * idempotent ({@code IF NOT EXISTS}; an {@code ADD COLUMN}, which 18.16 cannot guard so, counts as done when the column
 * is there), because ClickHouse has no transactions or locks: two instances starting at once may both run a
 * migration, harmlessly, and both record it (the table is read with DISTINCT).
 *
 * <p>The SQL must run on ClickHouse 18.16 (Debian's package) and on current servers: DateTime, not DateTime64;
 * no LowCardinality, TTL, CODEC, Map, window functions.
 */
public final class ClickHouseMigrations {
    public static final String DIRECTORY = "clickhouse/migrations/";
    public static final String TABLE = "schema_migrations";
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseMigrations.class);
    private static final Pattern ADD_COLUMN = Pattern.compile("(?is)ALTER\\s+TABLE\\s+(\\w+)\\s+ADD\\s+COLUMN\\s+(\\w+)\\b.*");

    private ClickHouseMigrations() {
    }

    /** The migrations on the class path, in version order. */
    public static List<Migration> load() {
        List<Migration> migrations = new ArrayList<>();
        for (String line : resource(DIRECTORY + "index.txt").split("\n")) {
            String file = line.strip();
            if (!file.isEmpty() && !file.startsWith("#")) {
                migrations.add(Migration.parse(file, resource(DIRECTORY + file)));
            }
        }
        migrations.sort(Comparator.comparingInt(Migration::version));
        for (int i = 1; i < migrations.size(); i++) {
            if (migrations.get(i).version() == migrations.get(i - 1).version()) {
                throw new IllegalStateException("two migrations with version " + migrations.get(i).version());
            }
        }
        return migrations;
    }

    /** Applies the migrations not applied yet; returns the versions it applied (empty when up to date). */
    public static List<Integer> apply(ClickHouseConnection clickHouse) {
        return apply(clickHouse, load());
    }

    static List<Integer> apply(ClickHouseConnection clickHouse, List<Migration> migrations) {
        clickHouse.ensureDatabase();
        clickHouse.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (version UInt32, name String, checksum String, "
                + "applied_at DateTime) ENGINE = MergeTree ORDER BY version");
        Map<Integer, String> applied = new HashMap<>();
        for (JsonNode row : clickHouse.query("SELECT DISTINCT version, checksum FROM " + TABLE)) {
            applied.put(row.get("version").asInt(), row.get("checksum").asText());
        }
        List<Integer> done = new ArrayList<>();
        for (Migration migration : migrations) {
            String checksum = applied.get(migration.version());
            if (checksum != null) {
                if (!checksum.equals(migration.checksum())) {
                    throw new IllegalStateException("migration " + migration.name() + " changed after it was applied to "
                            + clickHouse.endpoint() + ": add a new migration instead of editing an applied one");
                }
                continue;
            }
            for (String statement : migration.statements()) {
                execute(clickHouse, statement);
            }
            clickHouse.execute("INSERT INTO " + TABLE + " (version, name, checksum, applied_at) VALUES ("
                    + migration.version() + ", " + Sql.string(migration.name()) + ", " + Sql.string(migration.checksum())
                    + ", " + Sql.dateTime(Instant.now()) + ")");
            LOG.info("applied ClickHouse migration {} to {}", migration.name(), clickHouse.endpoint());
            done.add(migration.version());
        }
        return done;
    }

    /**
     * Runs one statement. 18.16 has no {@code ADD COLUMN IF NOT EXISTS}: an {@code ALTER TABLE t ADD COLUMN c} that
     * fails while the column is there (another instance starting at the same moment added it) counts as done.
     */
    private static void execute(ClickHouseConnection clickHouse, String statement) {
        try {
            clickHouse.execute(statement);
        } catch (RuntimeException e) {
            Matcher addColumn = ADD_COLUMN.matcher(statement);
            if (!addColumn.matches() || !columnExists(clickHouse, addColumn.group(1), addColumn.group(2))) {
                throw e;
            }
            LOG.info("column {}.{} is already there (added by another instance)", addColumn.group(1), addColumn.group(2));
        }
    }

    private static boolean columnExists(ClickHouseConnection clickHouse, String table, String column) {
        return clickHouse.queryLong("SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = "
                + Sql.string(table) + " AND name = " + Sql.string(column)) > 0;
    }

    private static String resource(String path) {
        try (InputStream in = ClickHouseMigrations.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing class path resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
