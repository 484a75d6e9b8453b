package dev.switchyard.metrics;

import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.metrics.streams.TopologyOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link MetricsStreamsService} needs besides Kafka, the registry and ClickHouse. Start from
 * {@link #defaults()} and change what differs with the {@code with*} methods.
 *
 * @param applicationId  Kafka Streams {@code application.id}: consumer group, prefix of internal topics; every
 *                       instance of one deployment uses the same (default {@code switchyard-metrics})
 * @param stateDir       where the state stores live (default {@code <tmp>/switchyard-metrics-streams})
 * @param commitInterval Streams commit interval: under exactly-once also the latency of the window rows (1 s: each commit is a transaction, markers on every partition it touched)
 * @param cacheMaxBytes  Streams record cache; 0 emits every window update, more coalesces them (default 10 MiB)
 * @param streamThreads  stream threads of this instance (default 1)
 * @param topology       windows, attribution window and the other topology knobs
 * @param sinkBatchRows  rows per ClickHouse insert at most (default 5,000)
 * @param sinkMaxDelay   the longest a row waits for its batch (default 2 s, see {@link #DEFAULT_SINK_MAX_DELAY})
 * @param createTopics   create missing input and output topics at start (default true)
 */
public record MetricsStreamsConfig(String applicationId, Path stateDir, Duration commitInterval, long cacheMaxBytes,
                                   int streamThreads, TopologyOptions topology, int sinkBatchRows, Duration sinkMaxDelay,
                                   boolean createTopics) {

    public static final String DEFAULT_APPLICATION_ID = "switchyard-metrics";
    /**
     * Every insert makes a new part per table that ClickHouse writes file by file and merges in the background, so its
     * CPU follows the number of inserts, not rows: at 200 streamed requests/s a flush every 500 ms cost ClickHouse 0.53
     * ms per request (0.1 of this machine's 2 cores), every 2 s 0.06-0.07 (benchmark README, eleventh pass). Reports and
     * the dashboard are a few seconds behind either way; their windows are minutes.
     */
    public static final Duration DEFAULT_SINK_MAX_DELAY = Duration.ofSeconds(2);

    public MetricsStreamsConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(topology, "topology");
        if (commitInterval.isNegative() || commitInterval.isZero() || streamThreads < 1 || sinkBatchRows < 1
                || sinkMaxDelay.isNegative() || cacheMaxBytes < 0) {
            throw new IllegalArgumentException("commitInterval, streamThreads and sinkBatchRows must be positive");
        }
    }

    public static MetricsStreamsConfig defaults() {
        return new MetricsStreamsConfig(DEFAULT_APPLICATION_ID,
                Path.of(System.getProperty("java.io.tmpdir"), "switchyard-metrics-streams"), Duration.ofSeconds(1),
                10L * 1024 * 1024, 1, TopologyOptions.defaults(), 5_000, DEFAULT_SINK_MAX_DELAY, true);
    }

    public MetricsTopics topics() {
        return topology.topics();
    }

    /** The consumer group of the ClickHouse sink. */
    public String sinkGroupId() {
        return applicationId + "-clickhouse-sink";
    }

    public MetricsStreamsConfig withApplicationId(String value) {
        return new MetricsStreamsConfig(value, stateDir, commitInterval, cacheMaxBytes, streamThreads, topology, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withStateDir(Path value) {
        return new MetricsStreamsConfig(applicationId, value, commitInterval, cacheMaxBytes, streamThreads, topology, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withCommitInterval(Duration value) {
        return new MetricsStreamsConfig(applicationId, stateDir, value, cacheMaxBytes, streamThreads, topology, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withCacheMaxBytes(long value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, value, streamThreads, topology, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withStreamThreads(int value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, cacheMaxBytes, value, topology, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withTopology(TopologyOptions value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, cacheMaxBytes, streamThreads, value, sinkBatchRows, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withSinkBatchRows(int value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, cacheMaxBytes, streamThreads, topology, value, sinkMaxDelay, createTopics);
    }

    public MetricsStreamsConfig withSinkMaxDelay(Duration value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, cacheMaxBytes, streamThreads, topology, sinkBatchRows, value, createTopics);
    }

    public MetricsStreamsConfig withCreateTopics(boolean value) {
        return new MetricsStreamsConfig(applicationId, stateDir, commitInterval, cacheMaxBytes, streamThreads, topology, sinkBatchRows, sinkMaxDelay, value);
    }
}
