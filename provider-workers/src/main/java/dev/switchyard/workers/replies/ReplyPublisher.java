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
 * and its Completion to {@code llm.completions}. Chunks and Completions go through two {@link KafkaSender}s (the
 * worker's latency producer and its batching one), so that the event loops calling this never block on Kafka. The
 * returned futures complete when the broker acknowledged the record. An attempt's first chunk (the client's time to
 * first token, or a whole non-streamed answer) and error chunks go at once, right behind their own request's held
 * chunks; later chunks may wait the sender's hold to share a produce request with other requests' chunks. One
 * sender keeps each request's chunks in order either way.
 */
public final class ReplyPublisher implements ReplySink {
    private final KafkaSender chunks;
    private final KafkaSender completions;
    private final EventSerdes serdes;

    public ReplyPublisher(KafkaSender chunks, KafkaSender completions, EventSerdes serdes) {
        this.chunks = chunks;
        this.completions = completions;
        this.serdes = serdes;
    }

    @Override
    public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
        try {
            byte[] value = serdes.replies.serialize(Topics.REPLIES, chunk);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(to.getTopic(), to.getPartition(), chunk.getRequestId(), value);
            return chunk.getSeq() == 0 || chunk.getError() != null ? chunks.send(record) : chunks.sendSoon(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> completion(Completion completion) {
        try {
            byte[] value = serdes.completions.serialize(Topics.COMPLETIONS, completion);
            return completions.send(new ProducerRecord<>(Topics.COMPLETIONS, completion.getRequestId(), value));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
