package dev.switchyard.metrics.clickhouse;

import dev.switchyard.events.Completion;
import dev.switchyard.metrics.StreamsProperties;
import dev.switchyard.metrics.streams.MetricsTopics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes Kafka records into ClickHouse in batches: Completions ({@code llm.completions}) become rows of
 * {@code requests}; the Streams topology's rows ({@code metrics.variant-windows}, {@code metrics.metric-windows},
 * {@code metrics.metric-feedback}) are already JSON rows of {@code variant_windows}, {@code metric_windows} and
 * {@code metric_feedback}.
 *
 * <p>Nothing acknowledged is lost: offsets are committed only after every row read before them is in ClickHouse.
 * When an insert fails the batch is kept, consumption pauses and the insert is retried with backoff (the group
 * membership is kept alive meanwhile). A batch may be inserted twice (a retry after a partial failure, a crash
 * after the insert and before the commit): every table is idempotent (ReplacingMergeTree keyed by request id or
 * window key, or feedback id and variant), so that is harmless. Reads {@code read_committed}, so aborted Streams transactions never show.
 */
public final class ClickHouseSink implements AutoCloseable {
    public static final String VARIANT_WINDOWS_TABLE = "variant_windows";
    public static final String METRIC_WINDOWS_TABLE = "metric_windows";
    public static final String METRIC_FEEDBACK_TABLE = "metric_feedback";
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final MetricsTopics topics;
    private final Deserializer<Completion> completions;
    private final ClickHouseConnection clickHouse;
    private final int batchRows;
    private final Duration maxDelay;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running;
    private boolean started;
    private volatile boolean healthy = true;

    // Owned by the sink thread.
    private final Map<String, List<byte[]>> rowsByTable = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> firstOffset = new HashMap<>();
    private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
    private int buffered;
    private long firstBufferedAt;

    /**
     * @param groupId   consumer group of the sink (every instance of one deployment uses the same)
     * @param batchRows rows that trigger an insert
     * @param maxDelay  longest time a row waits for its batch to fill
     */
    public ClickHouseSink(KafkaSettings kafka, String groupId, MetricsTopics topics, Deserializer<Completion> completions,
                          ClickHouseConnection clickHouse, int batchRows, Duration maxDelay) {
        Map<String, Object> props = kafka.consumer(groupId, "clickhouse-sink");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, batchRows));
        // Rows wait up to maxDelay for their insert anyway: fetch many per request instead of one per record.
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, StreamsProperties.LAZY_FETCH_MIN_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, StreamsProperties.LAZY_FETCH_MAX_WAIT_MS);
        this.consumer = new KafkaConsumer<>(props);
        this.topics = topics;
        this.completions = completions;
        this.clickHouse = clickHouse;
        this.batchRows = batchRows;
        this.maxDelay = maxDelay;
        this.thread = new Thread(this::run, "clickhouse-sink");
        this.thread.setDaemon(true);
    }

    public synchronized ClickHouseSink start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        running = true;
        thread.start();
        return this;
    }

    /** Running and its last insert (if any) succeeded. */
    public boolean isHealthy() {
        return running && thread.isAlive() && healthy;
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    public long failedInserts() {
        return failures.get();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.completions(), topics.variantWindows(), topics.metricWindows(),
                    topics.metricFeedback()), new Rebalance());
            Duration backoff = Duration.ZERO;
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(backoff.isZero() ? Duration.ofMillis(100) : backoff);
                if (!buffer(records)) {
                    Thread.sleep(500); // the registry failed: don't hammer it (backoff, not synchronisation)
                }
                if (nextOffset.isEmpty() || (buffered < batchRows && System.currentTimeMillis() - firstBufferedAt < maxDelay.toMillis())) {
                    continue;
                }
                try {
                    flush();
                    if (!backoff.isZero()) {
                        consumer.resume(consumer.assignment());
                        backoff = Duration.ZERO;
                    }
                } catch (ClickHouseException e) {
                    failures.incrementAndGet();
                    healthy = false;
                    backoff = backoff.isZero() ? Duration.ofMillis(200) : min(backoff.multipliedBy(2), MAX_BACKOFF);
                    LOG.warn("ClickHouse insert failed ({} rows kept, retrying in {} ms): {}", buffered, backoff.toMillis(), e.getMessage());
                    consumer.pause(consumer.assignment()); // keep polling (group membership) without reading more
                }
            }
            flushQuietly();
        } catch (WakeupException e) {
            if (running) {
                LOG.error("clickhouse sink woken up unexpectedly", e);
            }
            flushQuietly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flushQuietly();
        } catch (RuntimeException e) {
            LOG.error("clickhouse sink stopped", e);
        } finally {
            running = false;
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the sink's consumer", e);
            }
            stopped.countDown();
        }
    }

    /** Buffers the rows of {@code records}; false if the registry failed and some records must be read again. */
    private boolean buffer(ConsumerRecords<String, byte[]> records) {
        boolean decoded = true;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                byte[] row;
                try {
                    row = toRow(record);
                } catch (SchemaRegistryException e) {
                    // Not the record's fault: read it again later, and what follows it on this partition.
                    LOG.warn("schema registry failed decoding {}@{}; will retry: {}", partition, record.offset(), e.getMessage());
                    consumer.seek(partition, record.offset());
                    decoded = false;
                    break;
                } catch (RuntimeException e) {
                    LOG.error("skipping undecodable record {}@{}: {}", partition, record.offset(), e.getMessage());
                    row = null;
                }
                if (nextOffset.isEmpty()) {
                    firstBufferedAt = System.currentTimeMillis();
                }
                if (row != null) {
                    rowsByTable.computeIfAbsent(tableOf(record.topic()), t -> new ArrayList<>()).add(row);
                    buffered++;
                }
                firstOffset.putIfAbsent(partition, record.offset());
                nextOffset.put(partition, record.offset() + 1);
            }
        }
        return decoded;
    }

    private byte[] toRow(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        if (record.topic().equals(topics.completions())) {
            Completion completion = completions.deserialize(record.topic(), record.value());
            return completion == null ? null : CompletionRows.toJson(completion);
        }
        return record.value(); // window rows are JSONEachRow rows already
    }

    private String tableOf(String topic) {
        if (topic.equals(topics.completions())) {
            return CompletionRows.TABLE;
        }
        if (topic.equals(topics.variantWindows())) {
            return VARIANT_WINDOWS_TABLE;
        }
        if (topic.equals(topics.metricFeedback())) {
            return METRIC_FEEDBACK_TABLE;
        }
        return METRIC_WINDOWS_TABLE;
    }

    /** Inserts everything buffered, then commits the offsets after it. Throws (keeping the buffer) on failure. */
    private void flush() {
        for (Map.Entry<String, List<byte[]>> e : rowsByTable.entrySet()) {
            clickHouse.insertJsonRows(e.getKey(), e.getValue());
        }
        healthy = true;
        long n = buffered;
        if (!nextOffset.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            nextOffset.forEach((p, o) -> offsets.put(p, new OffsetAndMetadata(o)));
            consumer.commitSync(offsets);
        }
        rowsWritten.addAndGet(n);
        clear();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("final ClickHouse flush failed; {} rows will be read again on the next start: {}", buffered, e.getMessage());
            clear();
        }
    }

    private void clear() {
        rowsByTable.clear();
        firstOffset.clear();
        nextOffset.clear();
        buffered = 0;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                flush();
            } catch (RuntimeException e) {
                // Nothing was committed past these rows: whoever owns the partitions next reads them again. Rows of
                // partitions we keep are re-read too.
                LOG.warn("flush before rebalance failed; {} rows will be read again: {}", buffered, e.getMessage());
                Map<TopicPartition, Long> rewind = new HashMap<>(firstOffset);
                clear();
                rewind.forEach((p, o) -> {
                    if (!partitions.contains(p) && consumer.assignment().contains(p)) {
                        consumer.seek(p, o);
                    }
                });
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    @Override
    public synchronized void close() {
        if (!started) {
            started = true; // never runs now
            consumer.close(Duration.ZERO);
            return;
        }
        if (!running && !thread.isAlive()) {
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn("clickhouse sink did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
