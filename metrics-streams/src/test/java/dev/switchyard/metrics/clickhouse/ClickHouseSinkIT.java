package dev.switchyard.metrics.clickhouse;

import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.testsupport.services.ClickHouseServer;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink against a real broker and a ClickHouse that goes away and comes back. */
@Timeout(120)
class ClickHouseSinkIT {
    @TempDir
    Path clickHouseData;

    @Test
    void rowsReadWhileClickHouseIsDownAreWrittenOnceItIsBack() {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        MetricsTopics topics = MetricsTopics.defaults().withSuffix(suffix);
        SharedServices.kafka().createTopics(3, topics.completions(), topics.variantWindows(), topics.metricWindows());
        KafkaSettings kafka = new KafkaSettings(SharedServices.kafka().bootstrapServers(), "sink-it");

        ClickHouseServer server = ClickHouseServer.builder().dataDir(clickHouseData).start();
        int port = server.httpPort();
        ClickHouseEndpoint endpoint = ClickHouseEndpoint.of(server.httpUrl()).withDatabase("sink");
        try (ClickHouseConnection clickHouse = new ClickHouseConnection(endpoint);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("sink-it"));
             ClickHouseSink sink = new ClickHouseSink(kafka, "sink-it" + suffix, topics, (topic, bytes) -> {
                 throw new AssertionError("no completions in this test");
             }, clickHouse, 100, Duration.ofMillis(50)).start()) {
            ClickHouseMigrations.apply(clickHouse);
            long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).getEpochSecond();
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topics.variantWindows(), "k" + i, row(start, "v" + i)));
            }
            producer.flush();
            await(() -> count(clickHouse) == 50);

            server.stop();
            for (int i = 50; i < 120; i++) {
                producer.send(new ProducerRecord<>(topics.variantWindows(), "k" + i, row(start, "v" + i)));
            }
            producer.flush();
            await(() -> sink.failedInserts() > 0); // it tried, failed, and kept the rows
            assertThat(sink.isHealthy()).isFalse();

            server = ClickHouseServer.builder().dataDir(clickHouseData).httpPort(port).start();
            await(() -> count(clickHouse) == 120);
            await(sink::isHealthy);
        } finally {
            server.stop();
        }
    }

    private static long count(ClickHouseConnection clickHouse) {
        try {
            return clickHouse.queryLong("SELECT count() FROM variant_windows FINAL");
        } catch (ClickHouseException e) {
            return -1; // down
        }
    }

    private static byte[] row(long windowStart, String variant) {
        return ("{\"window_seconds\":60,\"window_start\":" + windowStart + ",\"router_id\":\"r\",\"route_id\":\"main\","
                + "\"variant_id\":\"" + variant + "\",\"requests\":1,\"errors\":0,\"cancelled\":0,\"failovers\":0,"
                + "\"input_tokens\":0,\"output_tokens\":0,\"cost_usd\":0,\"priced_requests\":0,\"latency_ms_sum\":10,"
                + "\"error_kinds\":[],\"error_counts\":[],\"version\":1}").getBytes(StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            try {
                Thread.sleep(100); // poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
