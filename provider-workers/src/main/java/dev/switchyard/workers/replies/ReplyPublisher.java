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
 * and its Completion to {@code llm.completions}, through one {@link KafkaSender}, so that the event loops calling this
 * never block on Kafka and a request's Completion follows its last chunk (usually in the same produce request). The
 * returned futures complete when the broker acknowledged the record. An attempt's first chunk (the client's time to
 * first token, or a whole non-streamed answer) and error chunks go at once, right behind their own request's held
 * chunks; later chunks may wait the sender's hold to share a produce request with other requests' chunks. One
 * sender keeps each request's chunks in order either way.
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
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(to.getTopic(), to.getPartition(), chunk.getRequestId(), value);
            return chunk.getSeq() == 0 || chunk.getError() != null ? sender.send(record) : sender.sendSoon(record);
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
