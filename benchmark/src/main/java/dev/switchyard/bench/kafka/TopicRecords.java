package dev.switchyard.bench.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How many records each topic of the stack's broker gained during a step: end offsets before and after, summed over
 * partitions (internal topics included: consumer offsets and transaction markers are broker work too). Divided by
 * the step's answers it says what one request costs in Kafka records; transaction markers count as records here,
 * and the metrics stage's commits (every second) move some records of one step into the next.
 */
public final class TopicRecords implements AutoCloseable {
    private final Admin admin;

    public TopicRecords(String bootstrapServers) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "bench-topic-records"));
    }

    /** Each topic's end offsets summed over its partitions, now. */
    public Map<String, Long> endOffsets() throws InterruptedException {
        try {
            Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(10, TimeUnit.SECONDS);
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p ->
                    request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<String, Long> sums = new TreeMap<>();
            admin.listOffsets(request).all().get(10, TimeUnit.SECONDS)
                    .forEach((tp, info) -> sums.merge(tp.topic(), info.offset(), Long::sum));
            return sums;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the topics' end offsets: " + e, e);
        }
    }

    /**
     * What each counter gained between two readings, per answer; counters that gained nothing are left out. For
     * records per topic ({@link #endOffsets()}) and for the broker's requests per kind ({@link BrokerRequests#served()}).
     */
    public static Map<String, Double> perAnswer(Map<String, Long> before, Map<String, Long> after, long answers) {
        Map<String, Double> out = new TreeMap<>();
        if (answers <= 0) {
            return out;
        }
        after.forEach((topic, end) -> {
            long gained = end - before.getOrDefault(topic, 0L);
            if (gained > 0) {
                out.put(topic, Math.round(gained * 100.0 / answers) / 100.0);
            }
        });
        return out;
    }

    @Override
    public void close() {
        admin.close();
    }
}
