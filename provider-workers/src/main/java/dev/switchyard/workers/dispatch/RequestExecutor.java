package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Dispatch;
import dev.switchyard.workers.failover.RequestExecution;
import dev.switchyard.workers.failover.WorkerRuntime;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asynchronous pipeline behind the dispatch consumer: runs each request on a context of the pool, finds a running
 * request by id for a CANCEL, and remembers recent CANCELs whose dispatch has not arrived yet (ingress may cancel
 * before the worker got the request), so that the request is then skipped rather than answered for nobody.
 */
public final class RequestExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(RequestExecutor.class);
    static final Duration REMEMBER_CANCELS = Duration.ofMinutes(10);
    private static final int MAX_REMEMBERED_CANCELS = 100_000;

    private static final class Running {
        final RequestExecution execution;
        final Context context;
        /** Set when it is being abandoned (asynchronously, on its context): a redelivery must not join it. */
        volatile boolean abandoning;

        Running(RequestExecution execution, Context context) {
            this.execution = execution;
            this.context = context;
        }

        RequestExecution execution() {
            return execution;
        }

        Context context() {
            return context;
        }
    }

    private final WorkerRuntime runtime;
    private final ContextPool contexts;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Map<String, Cancelled> earlyCancels = new ConcurrentHashMap<>();

    private record Cancelled(String reason, Instant at) {
    }

    public RequestExecutor(WorkerRuntime runtime, int eventLoops) {
        this.runtime = runtime;
        this.contexts = new ContextPool(runtime.vertx(), eventLoops);
    }

    /**
     * Starts the request and returns at once; the future completes when its output is acknowledged (commit it then)
     * and fails when it must be redelivered. A dispatch of a request already running here is a redelivery of work in
     * progress: it completes when the running one does.
     */
    public CompletableFuture<Void> submit(Dispatch dispatch) {
        String requestId = dispatch.getRequest().getRequestId();
        Running already = running.get(requestId);
        if (already != null && !already.abandoning) {
            LOG.info("request {} is already running here; not starting it twice", requestId);
            return already.execution().done();
        }
        RequestExecution execution = new RequestExecution(dispatch, runtime);
        Context context = contexts.next();
        Running entry = new Running(execution, context);
        running.put(requestId, entry);
        execution.done().whenComplete((v, e) -> running.remove(requestId, entry));
        Cancelled cancelled = earlyCancels.remove(requestId);
        context.runOnContext(v -> {
            try {
                execution.start(cancelled == null ? null : cancelled.reason());
            } catch (RuntimeException e) {
                LOG.error("request {} failed unexpectedly", requestId, e);
                execution.abandon();
            }
        });
        return execution.done();
    }

    /** A CANCEL from llm.control (any thread). */
    public void cancel(String requestId, String reason) {
        Running target = running.get(requestId);
        if (target != null) {
            runtime.metrics().cancelReceived("in_flight");
            target.context().runOnContext(v -> target.execution().cancel(reason));
            return;
        }
        Instant now = runtime.clock().instant();
        if (earlyCancels.size() >= MAX_REMEMBERED_CANCELS) {
            earlyCancels.values().removeIf(c -> c.at().isBefore(now.minus(REMEMBER_CANCELS)));
        }
        if (earlyCancels.size() < MAX_REMEMBERED_CANCELS) {
            earlyCancels.put(requestId, new Cancelled(reason, now));
            runtime.metrics().cancelReceived("before_dispatch");
            // The dispatch may have been submitted between the lookup above and this put: don't miss it.
            Running late = running.get(requestId);
            if (late != null && earlyCancels.remove(requestId) != null) {
                late.context().runOnContext(v -> late.execution().cancel(reason));
            }
        }
    }

    public int running() {
        return running.size();
    }

    /** Whether the request runs here and its answer has started reaching the client. */
    public boolean answering(String requestId) {
        Running target = running.get(requestId);
        return target != null && target.execution().answering();
    }

    /** Stops one request without publishing anything (its partition moved: the new owner runs it). */
    public void abandon(String requestId) {
        Running target = running.get(requestId);
        if (target != null) {
            target.abandoning = true;
            target.context().runOnContext(v -> target.execution().abandon());
        }
    }

    /** Shutdown: stop every running request without publishing, so their dispatches are redelivered. */
    public void abandonAll() {
        for (Running r : running.values()) {
            r.abandoning = true;
            r.context().runOnContext(v -> r.execution().abandon());
        }
    }
}
