package dev.switchyard.ingress.replies;

import dev.switchyard.events.ReplyChunk;
import io.vertx.core.Context;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests of this instance that still wait for reply chunks, by request id. The reply consumer thread looks a
 * chunk's request up here and hands it to the request's Vert.x context, so the handler runs on the event loop that
 * owns the client connection, never on the consumer thread.
 */
public final class PendingRequests {

    /** What a waiting request does with its replies; both methods run on the request's context. */
    public interface ReplyHandler {
        void onChunk(ReplyChunk chunk);

        /** This instance lost the reply partition the request named: its replies will go to someone else. */
        void onReplyPartitionLost(int partition);
    }

    private record Pending(int partition, Context context, ReplyHandler handler) {
    }

    private final Map<String, Pending> byId = new ConcurrentHashMap<>();

    /** Registers before the request is published, so even the fastest reply finds its handler. */
    public void register(String requestId, int replyPartition, Context context, ReplyHandler handler) {
        byId.put(requestId, new Pending(replyPartition, context, handler));
    }

    public void remove(String requestId) {
        byId.remove(requestId);
    }

    public boolean contains(String requestId) {
        return byId.containsKey(requestId);
    }

    public int size() {
        return byId.size();
    }

    /** Routes a chunk to its request's context; false if nobody here waits for it (cancelled, timed out, not ours). */
    public boolean dispatch(ReplyChunk chunk) {
        Pending pending = byId.get(chunk.getRequestId());
        if (pending == null) {
            return false;
        }
        pending.context().runOnContext(v -> pending.handler().onChunk(chunk));
        return true;
    }

    /** Tells every request that named one of these partitions that its replies will not come here any more. */
    public void partitionsLost(Collection<Integer> partitions) {
        List<Integer> lost = List.copyOf(partitions);
        byId.forEach((id, pending) -> {
            if (lost.contains(pending.partition())) {
                pending.context().runOnContext(v -> pending.handler().onReplyPartitionLost(pending.partition()));
            }
        });
    }
}
