package dev.switchyard.workers.failover;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Attempt ids unique across workers and restarts: the worker instance id (unique per process start) and a counter.
 * A dispatch redelivered to another worker gets new ids, so ingress never splices two attempts' text.
 */
public final class AttemptIds {
    private final String instanceId;
    private final AtomicLong counter = new AtomicLong();

    public AttemptIds(String instanceId) {
        this.instanceId = instanceId;
    }

    public String next() {
        return instanceId + "-" + counter.incrementAndGet();
    }
}
