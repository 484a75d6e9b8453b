package dev.switchyard.workers.replies;

import dev.switchyard.events.Completion;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;

import java.util.concurrent.CompletableFuture;

/** Where a request's output goes; the futures complete once it is durable. {@link ReplyPublisher} is the Kafka one. */
public interface ReplySink {
    CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk);

    CompletableFuture<Void> completion(Completion completion);
}
