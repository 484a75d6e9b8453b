package dev.switchyard.ingress.replies;

import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts one request's reply chunks in order: each (attempt_id, seq) is delivered once, duplicates are dropped and a
 * chunk that arrives ahead of its predecessors waits until the gap fills. Only one attempt is ever delivered at a time:
 * when chunks of a different attempt arrive (a worker died and another took the request over), the new attempt is used
 * invisibly if nothing of the old one was shown to the client; otherwise the answer cannot continue cleanly (the new
 * attempt will not reproduce the same text), so the request ends with an explicit error rather than spliced text.
 * Not thread-safe: a request's chunks are handled on its Vert.x context.
 */
public final class ReplyAssembler {

    /** Where the ordered chunks go. */
    public interface Sink {
        /** The next chunk of the attempt being delivered, in seq order (the last one has {@code final=true}). */
        void deliver(ReplyChunk chunk);

        /**
         * Chunks of {@code newAttemptId} arrived after some of {@code oldAttemptId}'s were delivered. Return true if
         * what was delivered can be thrown away (nothing reached the client yet), false if the client saw it.
         */
        boolean discardAttempt(String oldAttemptId, String newAttemptId);

        /** The answer cannot continue: the request ends with this error. */
        void interrupted(ReplyError error);
    }

    private final Sink sink;
    private final Map<String, Attempt> attempts = new HashMap<>();
    private final Set<String> abandoned = new HashSet<>();
    private String current;
    private int deliveredOfCurrent;
    private boolean closed;

    public ReplyAssembler(Sink sink) {
        this.sink = sink;
    }

    /** True once the final chunk was delivered or the answer was interrupted: later chunks are ignored. */
    public boolean closed() {
        return closed;
    }

    /** Stops delivering (the client went away, the deadline passed). */
    public void close() {
        closed = true;
    }

    public void accept(ReplyChunk chunk) {
        if (closed) {
            return;
        }
        String attemptId = chunk.getAttemptId();
        if (abandoned.contains(attemptId)) {
            return; // a replaced attempt's late chunks
        }
        if (current == null) {
            current = attemptId;
        } else if (!current.equals(attemptId)) {
            if (deliveredOfCurrent > 0 && !sink.discardAttempt(current, attemptId)) {
                closed = true;
                sink.interrupted(interruption(current, attemptId));
                return;
            }
            abandoned.add(current);
            attempts.remove(current);
            current = attemptId;
            deliveredOfCurrent = 0;
        }
        Attempt attempt = attempts.computeIfAbsent(attemptId, id -> new Attempt());
        int seq = chunk.getSeq();
        if (seq < attempt.nextSeq || attempt.waiting.containsKey(seq)) {
            return; // duplicate
        }
        attempt.waiting.put(seq, chunk);
        ReplyChunk next;
        while (!closed && (next = attempt.waiting.remove(attempt.nextSeq)) != null) {
            attempt.nextSeq++;
            deliveredOfCurrent++;
            if (next.getFinal$()) {
                closed = true;
            }
            sink.deliver(next);
        }
    }

    static ReplyError interruption(String oldAttemptId, String newAttemptId) {
        return new ReplyError(502, "api_error", "stream_interrupted", null,
                "The answer was interrupted: the model call serving this request failed after part of the answer had been sent, "
                        + "and a retry cannot continue the same text (attempt " + oldAttemptId + " was replaced by "
                        + newAttemptId + "). Retry the request.", null);
    }

    private static final class Attempt {
        int nextSeq;
        final TreeMap<Integer, ReplyChunk> waiting = new TreeMap<>();
    }
}
