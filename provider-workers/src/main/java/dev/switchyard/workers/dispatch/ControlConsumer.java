package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Control;
import dev.switchyard.events.ControlAction;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.kafka.WholeTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Reads every partition of {@code llm.control} without a consumer group (a CANCEL must reach whichever worker holds
 * the request), starting {@link #LOOK_BACK} before now rather than at the end: a worker that starts after another one
 * stopped takes over that worker's dispatches, and a CANCEL sent for one of them before this worker started (its
 * client is gone) must still stop it, or it would run in full for nobody until its deadline. Each CANCEL is handed to
 * {@code onCancel(requestId, reason)}; the executor remembers those whose dispatch has not come (as long as this).
 */
public final class ControlConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlConsumer.class);
    /** As long as {@link RequestExecutor} remembers a CANCEL whose dispatch has not arrived. */
    static final Duration LOOK_BACK = RequestExecutor.REMEMBER_CANCELS;

    private final Consumer<String, byte[]> consumer;
    private final AvroSerde<Control> serde;
    private final BiConsumer<String, String> onCancel;
    private volatile boolean running = true;
    private volatile boolean positioned;
    /** CANCELs stamped before this (epoch ms) are too old to matter; a partition's timestamps need not be in order. */
    private long ignoreBefore;

    public ControlConsumer(Consumer<String, byte[]> consumer, AvroSerde<Control> serde, BiConsumer<String, String> onCancel) {
        this.consumer = consumer;
        this.serde = serde;
        this.onCancel = onCancel;
    }

    /** Assigned and positioned on every partition: a CANCEL produced from now on (or in the look-back) is seen. */
    public boolean isPositioned() {
        return positioned;
    }

    public boolean isRunning() {
        return running;
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        try {
            WholeTopic.assignAtEnd(consumer, Topics.CONTROL, Duration.ofSeconds(30));
            ignoreBefore = Instant.now().minus(LOOK_BACK).toEpochMilli();
            rewind(ignoreBefore);
            positioned = true;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("control consumer stopped: cancellations will not reach this worker", e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** From the end back to the first CANCEL at or after {@code since}, on each partition that has one. */
    private void rewind(long since) {
        Map<TopicPartition, Long> query = new HashMap<>();
        consumer.assignment().forEach(p -> query.put(p, since));
        consumer.offsetsForTimes(query, Duration.ofSeconds(30)).forEach((partition, found) -> {
            if (found != null) {
                consumer.seek(partition, found.offset());
            }
        });
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.timestamp() < ignoreBefore) {
            return;
        }
        Control control;
        try {
            control = serde.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.warn("skipping unreadable control record {}: {}", record.key(), e.getMessage());
            return;
        }
        if (control != null && control.getAction() == ControlAction.CANCEL) {
            LOG.debug("CANCEL {} ({})", control.getRequestId(), control.getReason());
            onCancel.accept(control.getRequestId(), control.getReason());
        }
    }
}
