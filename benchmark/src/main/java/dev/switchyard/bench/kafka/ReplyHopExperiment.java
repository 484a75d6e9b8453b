package dev.switchyard.bench.kafka;

import dev.switchyard.bench.proc.ProcStat;
import dev.switchyard.bench.report.Percentiles;
import dev.switchyard.schemas.kafka.KafkaSettings;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What one reply hop costs under different client settings, with nothing else in the way: a producer sends records
 * the size of a reply chunk (key = a request id, ~150 B) at a fixed rate to 6 partitions, as a worker does; a consumer
 * reads every partition, as ingress does. Both live in this JVM; the broker is the benchmark's. Per setting it reports
 * the producer-to-consumer latency and the CPU per record of this JVM (both clients) and of the broker. This is how
 * the settings recommended for schemas' KafkaSettings were measured without changing the services.
 */
public final class ReplyHopExperiment {

    /** One client configuration to try. */
    public record Setting(String name, Map<String, Object> producer, Map<String, Object> consumer) {
    }

    /** One setting at one rate. */
    public record Result(String setting, double rate, long records, Percentiles latency, double clientsCpuUsPerRecord,
                         double brokerCpuUsPerRecord, double produceRequestsPerSecond) {
    }

    public static List<Setting> settings() {
        List<Setting> s = new ArrayList<>();
        s.add(new Setting("linger 0, lz4", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), Map.of()));
        s.add(new Setting("today (KafkaSettings): linger 0, no compression, fetch wait 100", Map.of(), Map.of()));
        s.add(new Setting("linger 1 ms, no compression", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                ProducerConfig.LINGER_MS_CONFIG, 1), Map.of()));
        s.add(new Setting("linger 2 ms, no compression", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none",
                ProducerConfig.LINGER_MS_CONFIG, 2), Map.of()));
        s.add(new Setting("linger 5 ms, lz4", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.LINGER_MS_CONFIG, 5), Map.of()));
        // One produce request in flight per connection: records sent while one is out wait for its answer and leave
        // together in the next one, so batching grows with load and costs nothing when idle (Nagle's idea).
        s.add(new Setting("linger 0, no compression, 1 request in flight", Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "none", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), Map.of()));
        // The consumer side: fetch.min.bytes=1 answers every fetch at once, so a consumer with steady traffic fetches
        // back to back, a few records each; a small min.bytes with a 2 ms wait bounds the fetch rate.
        s.add(new Setting("linger 2 ms, no compression, fetch min 16 KB / wait 2 ms",
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none", ProducerConfig.LINGER_MS_CONFIG, 2),
                Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 16 * 1024, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 2)));
        return s;
    }

    private ReplyHopExperiment() {
    }

    public static List<Result> run(String bootstrap, long brokerPid, List<Double> rates, Duration duration)
            throws Exception {
        List<Result> results = new ArrayList<>();
        int n = 0;
        for (Setting setting : settings()) {
            for (double rate : rates) {
                results.add(runOne(bootstrap, brokerPid, setting, rate, duration, "whatif.replies." + (n++)));
            }
        }
        return results;
    }

    static Result runOne(String bootstrap, long brokerPid, Setting setting, double rate, Duration duration, String topic)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        KafkaSettings kafka = new KafkaSettings(bootstrap, "bench-whatif");
        Map<String, Object> producerProps = new LinkedHashMap<>(kafka.producer("whatif-producer"));
        producerProps.putAll(setting.producer());
        Map<String, Object> consumerProps = new LinkedHashMap<>(kafka.consumer(null, "whatif-consumer"));
        consumerProps.putAll(setting.consumer());
        Recorder latency = new Recorder(60_000_000L, 3);
        AtomicLong received = new AtomicLong();
        AtomicLong warmed = new AtomicLong();
        long count = Math.round(rate * duration.toNanos() / 1e9);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Thread reader = new Thread(() -> {
                while (received.get() < count && !Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.key().equals("warm")) {
                            warmed.incrementAndGet();
                            continue;
                        }
                        long sent = ByteBuffer.wrap(r.value()).getLong();
                        latency.recordValue(Math.max(0, (System.nanoTime() - sent) / 1000));
                        received.incrementAndGet();
                    }
                }
            }, "whatif-consumer");
            reader.start();
            // Measure only once every partition has a leader the consumer fetches from: one record through each.
            for (int p = 0; p < 6; p++) {
                producer.send(new ProducerRecord<>(topic, p, "warm", value(System.nanoTime()))).get(10, TimeUnit.SECONDS);
            }
            long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (warmed.get() < 6 && System.nanoTime() < warmDeadline) {
                Thread.sleep(10); // polling the reader's counter
            }
            latency.reset();
            double cpu0 = ProcStat.cpuSeconds(ProcessHandle.current().pid());
            double broker0 = ProcStat.cpuSeconds(brokerPid);
            double requests0 = produceRequests(producer);
            double period = 1e9 / rate;
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                long due = start + (long) (i * period);
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                String key = "req_" + (i % 500); // ~500 concurrent streams, spread over the partitions
                producer.send(new ProducerRecord<>(topic, (int) (i % 6), key, value(due)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the reader's counter
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double clients = ProcStat.cpuSeconds(ProcessHandle.current().pid()) - cpu0;
            double broker = ProcStat.cpuSeconds(brokerPid) - broker0;
            double requests = produceRequests(producer) - requests0;
            reader.interrupt();
            reader.join(5000);
            Histogram h = latency.getIntervalHistogram();
            return new Result(setting.name(), rate, h.getTotalCount(), Percentiles.of(h),
                    round(clients * 1e6 / count), round(broker * 1e6 / count), round(requests / seconds));
        }
    }

    private static double produceRequests(KafkaProducer<?, ?> producer) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("request-total") && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }

    /** ~150 bytes, like a ReplyChunk with a word of text: the send time, then padding. */
    private static byte[] value(long sentNanos) {
        ByteBuffer b = ByteBuffer.allocate(150);
        b.putLong(sentNanos);
        while (b.hasRemaining()) {
            b.put((byte) ('a' + b.position() % 26));
        }
        return b.array();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
