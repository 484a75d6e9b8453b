package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One Kafka producer for every stage of a process that runs several (the launcher runs them all in one JVM).
 * Each producer has its own I/O thread and sends its own produce requests: at linger 0, ingress, the routing engine
 * and the workers each woke their thread and sent a request per record. Sharing one producer (Kafka's advice for a
 * thread-safe producer) lets records of different stages that are ready together travel in one request, and the
 * broker answers fewer of them.
 *
 * <p>Each stage takes a {@link #lease()} and closes it when it stops: closing a lease flushes (the stage's records
 * are sent before it reports stopped) and the last lease closes the producer. Stages that run alone keep their own
 * producer ({@link KafkaSettings#openProducer}).
 */
public final class SharedProducer {
    private final Supplier<Producer<String, byte[]>> factory;
    private Producer<String, byte[]> producer;
    private int leases;

    SharedProducer(Supplier<Producer<String, byte[]>> factory) {
        this.factory = factory;
    }

    /** A producer over the shared settings of {@code kafka} (linger 0, idempotent, acks=all). */
    static SharedProducer of(KafkaSettings kafka) {
        Map<String, Object> props = kafka.producer("shared");
        // One request at a time: the broker handles one request per connection at a time anyway, so with 5 in
        // flight the stages' records queued at the broker one request each; with 1 they gather in the producer
        // while a request is out and travel together (no wait when nothing is out, so idle latency is unchanged).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new SharedProducer(() -> new KafkaProducer<>(props));
    }

    /** A handle on the shared producer, created with the first lease (again after the last one closed). */
    public synchronized Producer<String, byte[]> lease() {
        if (producer == null) {
            producer = factory.get();
        }
        leases++;
        return new Lease(producer);
    }

    synchronized int leases() {
        return leases;
    }

    private synchronized void release(Duration timeout) {
        if (--leases > 0) {
            producer.flush();
            return;
        }
        producer.close(timeout);
        producer = null;
    }

    /** The shared producer as one stage sees it: everything but closing and transactions passes through. */
    private final class Lease implements Producer<String, byte[]> {
        private final Producer<String, byte[]> delegate;
        private boolean closed;

        Lease(Producer<String, byte[]> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
            return delegate.send(record);
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            return delegate.send(record, callback);
        }

        @Override
        public void flush() {
            delegate.flush();
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic) {
            return delegate.partitionsFor(topic);
        }

        @Override
        public Map<MetricName, ? extends Metric> metrics() {
            return delegate.metrics();
        }

        @Override
        public Uuid clientInstanceId(Duration timeout) {
            return delegate.clientInstanceId(timeout);
        }

        @Override
        public void registerMetricForSubscription(KafkaMetric metric) {
            delegate.registerMetricForSubscription(metric);
        }

        @Override
        public void unregisterMetricFromSubscription(KafkaMetric metric) {
            delegate.unregisterMetricFromSubscription(metric);
        }

        @Override
        public void close() {
            close(Duration.ofMillis(Long.MAX_VALUE));
        }

        @Override
        public void close(Duration timeout) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(timeout);
        }

        @Override
        public void initTransactions() {
            throw notTransactional();
        }

        @Override
        public void beginTransaction() {
            throw notTransactional();
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
            throw notTransactional();
        }

        @Override
        public void commitTransaction() {
            throw notTransactional();
        }

        @Override
        public void abortTransaction() {
            throw notTransactional();
        }

        private UnsupportedOperationException notTransactional() {
            return new UnsupportedOperationException("a shared producer is not transactional");
        }
    }
}
