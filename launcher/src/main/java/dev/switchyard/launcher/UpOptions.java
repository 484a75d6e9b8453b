package dev.switchyard.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of {@code switchyard up}. Each flag has an environment variable; flags win.
 *
 * @param kafkaBootstrap  an existing Kafka to use instead of starting one (null: start one)
 * @param schemaRegistry  an existing Confluent-API registry to use instead of starting one (null: start one)
 * @param clickHouseUrl   an existing ClickHouse (HTTP URL) to use instead of starting one (null: start one)
 * @param mock            "auto" (the mock serves every provider without a key), "on" (every provider), "off"
 * @param replyCoalescing the workers' reply coalescing window (null: their default, 5 ms)
 * @param replyHold       how long the workers hold a later reply chunk to share a produce request (null: the workers' default, off)
 */
public record UpOptions(
        String host,
        int port,
        Path dataDir,
        String kafkaBootstrap,
        String schemaRegistry,
        List<Path> catalogFiles,
        String mock,
        int mockPort,
        int partitions,
        String clickHouseUrl,
        Duration replyCoalescing,
        Duration replyHold) {

    static final String USAGE = """
            Usage: ./switchyard up [options]

              --host HOST              ingress address (SWITCHYARD_HOST, default 127.0.0.1)
              --port PORT              ingress port (SWITCHYARD_PORT, default 8080)
              --data-dir DIR           where Kafka, the registry and ClickHouse keep their data (SWITCHYARD_DATA_DIR,
                                       default ./.switchyard-data; delete it to start afresh)
              --kafka HOST:PORT        use this Kafka instead of starting one (KAFKA_BOOTSTRAP_SERVERS)
              --schema-registry URL    use this Confluent-API registry instead of starting one (SCHEMA_REGISTRY_URL)
              --clickhouse URL         use this ClickHouse (HTTP, e.g. http://127.0.0.1:8123) for the metrics stage and
                                       the reports instead of starting Debian's clickhouse-server (CLICKHOUSE_URL)
              --catalog FILE           extra model catalog file, repeatable (SWITCHYARD_CATALOG, ':'-separated)
              --mock auto|on|off       the mock LLM provider serves providers without an API key (auto, default),
                                       every provider (on) or none (off) (SWITCHYARD_MOCK)
              --mock-port PORT         mock provider port (SWITCHYARD_MOCK_PORT, default: a free port)
              --partitions N           partitions of the request/dispatch/reply topics when created (default 6)
              --reply-coalesce-ms N    least time between two reply records of one streamed answer
                                       (SWITCHYARD_REPLY_COALESCE_MS, default 5; 0: every provider delta alone)
              --reply-hold-ms N        how long a reply record after an answer's first may wait to share a Kafka
                                       request with other answers' (SWITCHYARD_REPLY_HOLD_MS, default 0: at once;
                                       2 cuts CPU per request by a quarter at moderate load)

            Provider keys and base URLs come from the SDKs' own variables: OPENAI_API_KEY, OPENAI_BASE_URL,
            ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, GEMINI_API_KEY, ... (see provider-workers/README.md).
            """;

    static UpOptions parse(List<String> args, Map<String, String> env) {
        String host = env.getOrDefault("SWITCHYARD_HOST", "127.0.0.1");
        int port = Integer.parseInt(env.getOrDefault("SWITCHYARD_PORT", "8080"));
        Path dataDir = Path.of(env.getOrDefault("SWITCHYARD_DATA_DIR", ".switchyard-data"));
        String kafka = blankToNull(env.get("KAFKA_BOOTSTRAP_SERVERS"));
        String registry = blankToNull(env.get("SCHEMA_REGISTRY_URL"));
        String clickHouse = blankToNull(env.get("CLICKHOUSE_URL"));
        List<Path> catalogs = new ArrayList<>();
        for (String file : env.getOrDefault("SWITCHYARD_CATALOG", "").split(java.io.File.pathSeparator)) {
            if (!file.isBlank()) {
                catalogs.add(Path.of(file.trim()));
            }
        }
        String mock = env.getOrDefault("SWITCHYARD_MOCK", "auto");
        int mockPort = Integer.parseInt(env.getOrDefault("SWITCHYARD_MOCK_PORT", "0"));
        int partitions = 6;
        Duration replyCoalescing = millis(env.get("SWITCHYARD_REPLY_COALESCE_MS"));
        Duration replyHold = millis(env.get("SWITCHYARD_REPLY_HOLD_MS"));
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (flag.contains("=")) {
                value = flag.substring(flag.indexOf('=') + 1);
                flag = flag.substring(0, flag.indexOf('='));
            } else if (value != null) {
                i++;
            }
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--kafka" -> kafka = value;
                case "--schema-registry" -> registry = value;
                case "--clickhouse" -> clickHouse = value;
                case "--catalog" -> catalogs.add(Path.of(value));
                case "--mock" -> mock = value;
                case "--mock-port" -> mockPort = Integer.parseInt(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--reply-coalesce-ms" -> replyCoalescing = millis(value);
                case "--reply-hold-ms" -> replyHold = millis(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (!List.of("auto", "on", "off").contains(mock)) {
            throw new IllegalArgumentException("--mock takes auto, on or off, not " + mock);
        }
        if (clickHouse != null && !clickHouse.matches("https?://.+")) {
            throw new IllegalArgumentException("--clickhouse takes an HTTP URL like http://127.0.0.1:8123, not " + clickHouse);
        }
        return new UpOptions(host, port, dataDir.toAbsolutePath(), kafka, registry, List.copyOf(catalogs), mock, mockPort,
                partitions, clickHouse, replyCoalescing, replyHold);
    }

    private static Duration millis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        long ms = Long.parseLong(value.trim());
        if (ms < 0) {
            throw new IllegalArgumentException("a duration in milliseconds must not be negative, not " + value);
        }
        return Duration.ofMillis(ms);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
