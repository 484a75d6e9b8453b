package dev.switchyard.workers.replies;

import dev.switchyard.events.Completion;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.CompletableFuture;

/**
 * Produces a request's reply chunks to exactly the partition its ingress owns ({@code reply_to}), keyed by request id,
 * and its Completion to {@code llm.completions}. One producer for the whole worker, fed through a {@link KafkaSender}
 * so that the event loops calling this never block on Kafka. The returned futures complete when the broker
 * acknowledged the record.
 */
public final class ReplyPublisher implements ReplySink {
    private final KafkaSender sender;
    private final EventSerdes serdes;

    public ReplyPublisher(KafkaSender sender, EventSerdes serdes) {
        this.sender = sender;
        this.serdes = serdes;
    }

    @Override
    public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
        try {
            byte[] value = serdes.replies.serialize(Topics.REPLIES, chunk);
            return sender.send(new ProducerRecord<>(to.getTopic(), to.getPartition(), chunk.getRequestId(), value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> completion(Completion completion) {
        try {
            byte[] value = serdes.completions.serialize(Topics.COMPLETIONS, completion);
            return sender.send(new ProducerRecord<>(Topics.COMPLETIONS, completion.getRequestId(), value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
