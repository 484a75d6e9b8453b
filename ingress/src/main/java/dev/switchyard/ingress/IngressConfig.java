package dev.switchyard.ingress;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Everything an {@link IngressService} needs. Start from {@link #defaults} and change what differs with the
 * {@code with*} methods.
 *
 * @param host            interface to listen on (default 127.0.0.1)
 * @param port            port to listen on; 0 picks a free one (see {@link IngressService#port()})
 * @param maxBodyBytes    largest request body accepted (default {@link #DEFAULT_MAX_BODY_BYTES}); larger is a 413
 * @param requestTimeout  how long a client waits for a complete answer (default 600 s): becomes the request's
 *                        {@code deadline_at}; past it the client gets a 504 and the request is cancelled
 * @param routerWait      how long the routing engine waits for an unknown router to appear (default 2 s). Ingress does
 *                        not wait itself; the value is here so one config describes the whole front door
 * @param instanceId      names this instance in client ids and logs
 * @param maxInFlight     chat requests in flight before new ones get a 429 (default 10,000)
 * @param drainTimeout    how long {@link IngressService#close()} lets in-flight requests finish (default 10 s)
 * @param slowClientTimeout how long a streaming client may leave more than 4 MiB of its answer unread before the
 *                        request is cancelled and its connection closed (default 30 s): replies cannot wait in Kafka
 *                        for one client, so a client that stops reading would otherwise hold them in memory
 * @param replyGroupId    consumer group of the reply consumers: every ingress instance of one deployment uses the same
 * @param healthChecks    extra named readiness checks (the other stages' readiness, registered by the launcher)
 * @param clickHouse      where the metrics stage writes (experiment reports and the dashboard read it); null: reports
 *                        answer 503
 */
public record IngressConfig(
        String host,
        int port,
        long maxBodyBytes,
        Duration requestTimeout,
        Duration routerWait,
        String instanceId,
        int maxInFlight,
        Duration drainTimeout,
        Duration slowClientTimeout,
        String replyGroupId,
        KafkaSettings kafka,
        EventSerdes serdes,
        ModelCatalog catalog,
        Map<String, BooleanSupplier> healthChecks,
        ClickHouseEndpoint clickHouse) {

    public static final String DEFAULT_REPLY_GROUP = "switchyard-ingress-replies";

    public IngressConfig {
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(serdes, "serdes");
        Objects.requireNonNull(catalog, "catalog");
        healthChecks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(healthChecks));
        if (maxBodyBytes < 1 || maxInFlight < 1 || requestTimeout.isNegative() || requestTimeout.isZero()
                || slowClientTimeout.isNegative() || slowClientTimeout.isZero()) {
            throw new IllegalArgumentException("maxBodyBytes, maxInFlight, requestTimeout and slowClientTimeout must be positive");
        }
    }

    /**
     * 10 MiB: images and PDFs travel inline as base64, so a vision or document request is megabytes; the request
     * becomes one Kafka record, which may be {@link KafkaSettings#MAX_RECORD_BYTES} with the request's other fields.
     */
    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;

    public static IngressConfig defaults(KafkaSettings kafka, EventSerdes serdes, ModelCatalog catalog) {
        return new IngressConfig("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(600), Duration.ofSeconds(2),
                "ingress-" + UUID.randomUUID().toString().substring(0, 8), 10_000, Duration.ofSeconds(10),
                Duration.ofSeconds(30), DEFAULT_REPLY_GROUP, kafka, serdes, catalog, Map.of(), null);
    }

    public IngressConfig withHost(String value) {
        return new IngressConfig(value, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withPort(int value) {
        return new IngressConfig(host, value, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withMaxBodyBytes(long value) {
        return new IngressConfig(host, port, value, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withRequestTimeout(Duration value) {
        return new IngressConfig(host, port, maxBodyBytes, value, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withRouterWait(Duration value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, value, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withInstanceId(String value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, value, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withMaxInFlight(int value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, value, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withDrainTimeout(Duration value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, value, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withSlowClientTimeout(Duration value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, value, replyGroupId, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    public IngressConfig withReplyGroupId(String value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, value, kafka, serdes, catalog, healthChecks, clickHouse);
    }

    /** Adds a named readiness check: {@code /health} is 200 only while it (and every other) is true. */
    public IngressConfig withHealthCheck(String name, BooleanSupplier check) {
        Map<String, BooleanSupplier> checks = new LinkedHashMap<>(healthChecks);
        checks.put(name, check);
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, checks, clickHouse);
    }

    /** Where experiment reports are read from (null: reports and the dashboard's charts answer 503). */
    public IngressConfig withClickHouse(ClickHouseEndpoint value) {
        return new IngressConfig(host, port, maxBodyBytes, requestTimeout, routerWait, instanceId, maxInFlight, drainTimeout, slowClientTimeout, replyGroupId, kafka, serdes, catalog, healthChecks, value);
    }
}
