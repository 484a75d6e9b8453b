package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A consumer that reads every partition of one topic itself, without a group: the compacted state topics
 * (router configs and versions, provider health), read from the beginning up to where they were, and llm.control,
 * read from its end.
 */
public final class WholeTopic {
    private WholeTopic() {
    }

    /**
     * Assigns every partition of {@code topic} from the beginning; returns the end offsets at this moment: the reader
     * has caught up with the topic once it has {@link #reached} them.
     */
    public static Map<TopicPartition, Long> assignFromBeginning(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = assign(consumer, topic, timeout);
        consumer.seekToBeginning(partitions);
        return consumer.endOffsets(partitions, timeout);
    }

    /** Assigns every partition of {@code topic} at its end, the lazy seek resolved: what is produced from now on is read. */
    public static void assignAtEnd(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = assign(consumer, topic, timeout);
        consumer.seekToEnd(partitions);
        partitions.forEach(p -> consumer.position(p, timeout));
    }

    /** Whether {@code consumer} has read up to {@code end} on every partition. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code positions} are at or past {@code end} on every partition of it (a missing one is not). */
    public static boolean reached(Map<TopicPartition, Long> positions, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (positions.getOrDefault(partition.getKey(), -1L) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> assign(Consumer<?, ?> consumer, String topic, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.assign(partitions);
        return partitions;
    }
}
