package dev.switchyard.bench.async;

import dev.switchyard.bench.Shape;
import dev.switchyard.bench.proc.CpuMeter;
import dev.switchyard.bench.report.Percentiles;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sustained throughput without HTTP: {@code ChatRequest}s produced straight onto {@code llm.requests} (as an
 * asynchronous Kafka client would), answered by the routing engine and the workers, and counted off
 * {@code llm.completions}. At most {@code window} requests are outstanding, so the stages run flat out without an
 * unbounded backlog; completions per second are counted over the measured interval after a warm-up.
 * Replies go to a topic of their own, {@code bench.replies}, that nobody reads (an async client wants only the
 * completion), so ingress is not involved.
 */
public final class AsyncThroughput {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncThroughput.class);
    public static final String REPLY_TOPIC = "bench.replies";

    /** The result of one async run. */
    public record Result(String shape, int window, double seconds, long produced, long completed, long ok,
                         long errors, double completionsPerSecond, Percentiles completionLatency,
                         Map<String, Double> cpuSeconds, double routerCpuMsPerCompletion, Map<String, Long> rssBytes) {
    }

    private AsyncThroughput() {
    }

    public static Result run(String bootstrap, String registryUrl, String routerId, Shape shape, Duration warmup,
                             Duration duration, int window, CpuMeter cpu) throws Exception {
        createReplyTopic(bootstrap);
        EventSerdes serdes = new EventSerdes(registryUrl);
        serdes.requests.registerFor(Topics.REQUESTS);
        KafkaSettings kafka = new KafkaSettings(bootstrap, "switchyard-bench");
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String messages = "[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},{\"role\":\"user\","
                + "\"content\":\"" + "x".repeat(Math.max(0, shape.promptBytes() - 200)) + " " + shape.directives() + "\"}]";

        AtomicLong completed = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        Histogram latency = new Histogram(600_000, 3); // ms, from Completion.latency_ms
        CompletionCounter counter = new CompletionCounter(kafka, serdes, run, completed, ok, latency);
        counter.start();
        counter.awaitAssigned();

        Map<String, Object> producerProps = kafka.producer("async-load");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        long produced = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
            long warmEnd = System.nanoTime() + warmup.toNanos();
            long end = warmEnd + duration.toNanos();
            long measuredFrom = -1;
            long completedAtStart = 0;
            long okAtStart = 0;
            while (System.nanoTime() < end) {
                if (measuredFrom < 0 && System.nanoTime() >= warmEnd) {
                    measuredFrom = System.nanoTime();
                    completedAtStart = completed.get();
                    okAtStart = ok.get();
                    synchronized (latency) {
                        latency.reset();
                    }
                    cpu.start();
                }
                if (produced - completed.get() >= window) {
                    LockSupport.parkNanos(200_000); // the window is full: wait for completions
                    continue;
                }
                String id = run + produced;
                Instant now = Instant.now();
                ChatRequest request = ChatRequest.newBuilder()
                        .setRequestId(id).setReceivedAt(now).setDeadlineAt(now.plusSeconds(600))
                        .setProtocol(ClientProtocol.KAFKA).setModel("router/" + routerId).setStream(false)
                        .setUserId("bench-user-" + (produced % 1000))
                        .setMetadata(Map.<String, Object>of("language", "en", "plan", "pro", "country", "DE", "tier", "pro"))
                        .setMessagesJson(messages)
                        .setReplyTo(ReplyAddress.newBuilder().setTopic(REPLY_TOPIC).setPartition((int) (produced % 6)).build())
                        .build();
                producer.send(new ProducerRecord<>(Topics.REQUESTS, id, serdes.requests.serialize(Topics.REQUESTS, request)));
                produced++;
            }
            long measuredEnd = System.nanoTime();
            Map<String, Double> cpuUsed = cpu.stop();
            Map<String, Long> rss = cpu.rss();
            long done = completed.get() - completedAtStart;
            long good = ok.get() - okAtStart;
            double seconds = (measuredEnd - measuredFrom) / 1e9;
            // Let the outstanding requests finish, so the next run starts on an idle stack.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (completed.get() < produced && System.nanoTime() < drainDeadline) {
                Thread.sleep(50); // polling the counter the consumer thread advances
            }
            counter.close();
            Percentiles lat;
            synchronized (latency) {
                lat = Percentiles.of(scaledToMicros(latency));
            }
            double routerCpu = cpuUsed.getOrDefault("switchyard", 0.0) + cpuUsed.getOrDefault("kafka", 0.0);
            LOG.info("async: {} completions in {} s", done, seconds);
            return new Result(shape.name(), window, round(seconds), produced, done, good, done - good,
                    round(done / seconds), lat, cpuUsed, done == 0 ? 0 : round(routerCpu * 1000 / done), rss);
        }
    }

    private static Histogram scaledToMicros(Histogram ms) {
        Histogram us = new Histogram(600_000_000L, 3);
        ms.recordedValues().forEach(v -> us.recordValueWithCount(v.getValueIteratedTo() * 1000, v.getCountAtValueIteratedTo()));
        return us;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void createReplyTopic(String bootstrap) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(REPLY_TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + REPLY_TOPIC, e.getCause());
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating " + REPLY_TOPIC, e);
        }
    }

    /** Reads every partition of llm.completions from its end and counts this run's completions. */
    private static final class CompletionCounter extends Thread implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final EventSerdes serdes;
        private final String prefix;
        private final AtomicLong completed;
        private final AtomicLong ok;
        private final Histogram latency;
        private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean running = true;

        CompletionCounter(KafkaSettings kafka, EventSerdes serdes, String prefix, AtomicLong completed, AtomicLong ok,
                          Histogram latency) {
            super("bench-completions");
            Map<String, Object> props = kafka.consumer(null, "bench-completions");
            props.put("fetch.max.wait.ms", 50);
            this.consumer = new KafkaConsumer<>(props);
            this.serdes = serdes;
            this.prefix = prefix;
            this.completed = completed;
            this.ok = ok;
            this.latency = latency;
            setDaemon(true);
        }

        void awaitAssigned() throws InterruptedException {
            if (!assigned.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not read " + Topics.COMPLETIONS);
            }
        }

        @Override
        public void run() {
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMPLETIONS).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve the end offsets now, before any request is sent
                assigned.countDown();
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.key() == null || !r.key().startsWith(prefix)) {
                            continue;
                        }
                        Completion c = serdes.completions.deserialize(r.topic(), r.value());
                        if (c.getStatus() == CompletionStatus.OK) {
                            ok.incrementAndGet();
                        }
                        synchronized (latency) {
                            latency.recordValue(Math.max(0, Math.min(600_000, c.getLatencyMs())));
                        }
                        completed.incrementAndGet();
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException stopping) {
                // close() woke the poll
            } finally {
                consumer.close();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            join(10_000);
        }
    }
}
