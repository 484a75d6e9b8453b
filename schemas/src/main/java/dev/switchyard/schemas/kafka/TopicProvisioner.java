package dev.switchyard.schemas.kafka;

import dev.switchyard.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates Switchyard's topics at start-up when they are missing (auto-creation is slow and off on our brokers).
 * Compacted topics get {@code cleanup.policy=compact}; llm.control gets llm.dispatch's partition count so that a
 * cancellation lands on the partition of the worker that holds the request. Every topic takes records up to
 * {@link KafkaSettings#MAX_RECORD_BYTES} ({@code max.message.bytes}); topics created before that limit existed get
 * it set at start-up.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private static final String MAX_MESSAGE_BYTES = Integer.toString(KafkaSettings.MAX_RECORD_BYTES);

    private TopicProvisioner() {
    }

    /** Sets {@code max.message.bytes} on Switchyard's existing topics that have a smaller one (an older data dir). */
    private static void alignRecordLimit(Admin admin, Set<String> existing) throws Exception {
        List<ConfigResource> ours = Topics.ALL.stream().filter(existing::contains)
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        if (ours.isEmpty()) {
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        admin.describeConfigs(ours).all().get(30, TimeUnit.SECONDS).forEach((resource, config) -> {
            ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit == null || Long.parseLong(limit.value()) < KafkaSettings.MAX_RECORD_BYTES) {
                changes.put(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES), AlterConfigOp.OpType.SET)));
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
            LOG.info("set {}={} on {}", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES,
                    changes.keySet().stream().map(ConfigResource::name).toList());
        }
    }

    public static void ensureTopics(String bootstrapServers, TopicLayout layout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : Topics.ALL) {
                if (!existing.contains(topic)) {
                    NewTopic newTopic = new NewTopic(topic, layout.partitionsOf(topic), layout.replicationFactor());
                    Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES));
                    if (Topics.COMPACTED.contains(topic)) {
                        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
                    }
                    missing.add(newTopic.configs(configs));
                }
            }
            alignRecordLimit(admin, existing);
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another instance was quicker: fine
                    throw e;
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot create Switchyard's topics on " + bootstrapServers + ": " + e, e);
        }
    }
}
