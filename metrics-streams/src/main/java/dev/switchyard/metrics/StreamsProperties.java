package dev.switchyard.metrics;

import dev.switchyard.metrics.streams.SkipUndecodableRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/** Kafka Streams settings of the metrics topology. */
public final class StreamsProperties {
    /** Fetch sizing of consumers off the request path (Streams' main consumer, the ClickHouse sink). */
    public static final int LAZY_FETCH_MIN_BYTES = 64 * 1024;
    public static final int LAZY_FETCH_MAX_WAIT_MS = 200;

    private StreamsProperties() {
    }

    public static Properties of(MetricsStreamsConfig config, String bootstrapServers, String clientIdPrefix) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-metrics-streams");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // The classic protocol: the "streams" rebalance protocol took 9-10 s to reach RUNNING here.
        p.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.cacheMaxBytes());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUndecodableRecords.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // Kafka 5's default, no warning
        // Streams' partition assignor rebuilds a StreamsConfig from the main consumer's settings and warns when the
        // flag is missing there (once per start, looks like a misconfiguration): give it the flag too.
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Nobody waits on this stage record by record (windows are a minute long): a fetch that returns as soon as one
        // record is there made the broker answer a fetch per Completion and per repartitioned record. Waiting for
        // 64 KB or 200 ms lets one fetch carry hundreds of records under load.
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), LAZY_FETCH_MIN_BYTES);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), LAZY_FETCH_MAX_WAIT_MS);
        return p;
    }
}
