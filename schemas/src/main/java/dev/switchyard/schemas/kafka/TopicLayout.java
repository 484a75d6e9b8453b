package dev.switchyard.schemas.kafka;

import dev.switchyard.schemas.Topics;

/**
 * Partition counts and replication of Switchyard's topics. llm.control always has llm.dispatch's count
 * (co-partitioning); compacted configuration topics need few partitions.
 */
public record TopicLayout(int partitions, int replyPartitions, short replicationFactor) {

    public static TopicLayout defaults() {
        return new TopicLayout(6, 6, (short) 1);
    }

    public int partitionsOf(String topic) {
        return switch (topic) {
            case Topics.ROUTER_CONFIGS, Topics.ROUTER_VERSIONS, Topics.PROVIDER_HEALTH -> 1;
            case Topics.REPLIES -> replyPartitions;
            default -> partitions;
        };
    }
}
