package dev.switchyard.schemas.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * What every service's own {@code main} reads the same way: its settings from the environment, with
 * {@code --name=value} arguments over them (lower case, dashes: {@code --kafka-bootstrap-servers=...}), the Kafka
 * bootstrap servers and the schema registry's URL; and running until the JVM is told to stop.
 */
public final class ServiceEnvironment {
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    private final Map<String, String> values;

    ServiceEnvironment(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The process's environment with {@code args} over it. */
    public static ServiceEnvironment of(String[] args) {
        Map<String, String> values = new HashMap<>(System.getenv());
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                values.put(arg.substring(2, eq).toUpperCase(Locale.ROOT).replace('-', '_'), arg.substring(eq + 1));
            }
        }
        return new ServiceEnvironment(values);
    }

    /** The setting, or {@code fallback} when it is unset or blank. */
    public String get(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The setting, or null when it is unset or blank. */
    public String get(String name) {
        return get(name, null);
    }

    public int getInt(String name, int fallback) {
        return Integer.parseInt(get(name, Integer.toString(fallback)));
    }

    /** A duration given in milliseconds, or null when unset (the service's default then applies). */
    public Duration millis(String name) {
        String value = get(name);
        return value == null ? null : Duration.ofMillis(Long.parseLong(value));
    }

    /** A duration given in seconds, or {@code fallback}. */
    public Duration seconds(String name, Duration fallback) {
        String value = get(name);
        return value == null ? fallback : Duration.ofSeconds(Long.parseLong(value));
    }

    /** Every setting (provider keys and base URLs are read by name from here). */
    public Map<String, String> asMap() {
        return values;
    }

    /** {@code KAFKA_BOOTSTRAP_SERVERS}, default {@value #DEFAULT_BOOTSTRAP_SERVERS}. */
    public String bootstrapServers() {
        return get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS);
    }

    /**
     * {@code SCHEMA_REGISTRY_URL}, the Confluent-compatible API's base URL. Required: without it the process exits
     * with status 2 and says so, rather than guess where the registry runs (a guess that is wrong registers schemas
     * nowhere and fails every record).
     */
    public String requiredRegistryUrl() {
        String url = get("SCHEMA_REGISTRY_URL");
        if (url == null) {
            System.err.println("SCHEMA_REGISTRY_URL is required (e.g. http://127.0.0.1:8081/apis/ccompat/v7)");
            System.exit(2);
        }
        return url;
    }

    /**
     * Blocks until the JVM shuts down (SIGTERM, Ctrl-C), then closes {@code service} on a thread named
     * {@code <name>-shutdown}, which the JVM waits for.
     */
    public static void runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("closing " + name + " failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, name + "-shutdown"));
        stopped.await();
    }
}
