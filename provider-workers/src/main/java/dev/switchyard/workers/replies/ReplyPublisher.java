package dev.switchyard.workers.replies;

import dev.switchyard.events.Completion;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.CompletableFuture;

/**
 * Produces a request's reply chunks to exactly the partition its ingress owns ({@code reply_to}), keyed by request id,
 * and its Completion to {@code llm.completions}. One thread-safe producer for the whole worker; sends never block the
 * caller beyond the producer's buffer. The returned futures complete when the broker acknowledged the record.
 */
public final class ReplyPublisher implements ReplySink {
    private final Producer<String, byte[]> producer;
    private final EventSerdes serdes;

    public ReplyPublisher(Producer<String, byte[]> producer, EventSerdes serdes) {
        this.producer = producer;
        this.serdes = serdes;
    }

    @Override
    public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            byte[] value = serdes.replies.serialize(Topics.REPLIES, chunk);
            producer.send(new ProducerRecord<>(to.getTopic(), to.getPartition(), chunk.getRequestId(), value),
                    (metadata, e) -> complete(acked, e));
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public CompletableFuture<Void> completion(Completion completion) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            byte[] value = serdes.completions.serialize(Topics.COMPLETIONS, completion);
            producer.send(new ProducerRecord<>(Topics.COMPLETIONS, completion.getRequestId(), value),
                    (metadata, e) -> complete(acked, e));
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return acked;
    }

    private static void complete(CompletableFuture<Void> future, Exception e) {
        if (e != null) {
            future.completeExceptionally(e);
        } else {
            future.complete(null);
        }
    }
}
