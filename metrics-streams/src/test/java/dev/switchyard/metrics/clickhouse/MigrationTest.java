package dev.switchyard.metrics.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationTest {

    @Test
    void theIndexListsEveryMigrationFileInVersionOrder() throws IOException {
        List<Migration> migrations = ClickHouseMigrations.load();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources", ClickHouseMigrations.DIRECTORY))) {
            List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).sorted().toList();
            assertThat(migrations).extracting(Migration::name).containsExactlyElementsOf(onDisk);
        }
        assertThat(migrations).extracting(Migration::version).isSorted().doesNotHaveDuplicates();
        assertThat(migrations.get(0).version()).isEqualTo(1);
    }

    @Test
    void sqlAvoidsWhatClickHouse1816CannotRun() {
        for (Migration m : ClickHouseMigrations.load()) {
            String sql = m.sql().toUpperCase();
            for (String unsupported : List.of("DATETIME64", "LOWCARDINALITY", " TTL ", "CODEC(", "MAP(", "OVER (", "OVER(")) {
                assertThat(sql).as(m.name()).doesNotContain(unsupported);
            }
        }
    }

    @Test
    void splitsStatementsAndDropsComments() {
        Migration m = Migration.parse("V007__two_things.sql", """
                -- a comment; with a semicolon
                CREATE TABLE a (x UInt8) ENGINE = Memory;

                CREATE TABLE b (
                    y String -- trailing text stays
                ) ENGINE = Memory;
                """);
        assertThat(m.version()).isEqualTo(7);
        assertThat(m.statements()).hasSize(2);
        assertThat(m.statements().get(0)).isEqualTo("CREATE TABLE a (x UInt8) ENGINE = Memory");
        assertThat(m.statements().get(1)).startsWith("CREATE TABLE b (").endsWith(") ENGINE = Memory");
        assertThat(m.checksum()).hasSize(64);
    }

    @Test
    void rejectsFileNamesWithoutAVersion() {
        assertThatThrownBy(() -> Migration.parse("requests.sql", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
