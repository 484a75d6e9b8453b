package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Control;
import dev.switchyard.events.ControlAction;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.AvroSerde;
import dev.switchyard.schemas.kafka.WholeTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Reads every partition of {@code llm.control} from its end, without a consumer group: a CANCEL must reach whichever
 * worker holds the request, and old cancellations don't matter to a worker that just started. Each CANCEL is handed
 * to {@code onCancel(requestId, reason)}.
 */
public final class ControlConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlConsumer.class);

    private final Consumer<String, byte[]> consumer;
    private final AvroSerde<Control> serde;
    private final BiConsumer<String, String> onCancel;
    private volatile boolean running = true;
    private volatile boolean positioned;

    public ControlConsumer(Consumer<String, byte[]> consumer, AvroSerde<Control> serde, BiConsumer<String, String> onCancel) {
        this.consumer = consumer;
        this.serde = serde;
        this.onCancel = onCancel;
    }

    /** Assigned and at the end of every partition: a CANCEL produced from now on is seen. */
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

    private void handle(ConsumerRecord<String, byte[]> record) {
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
