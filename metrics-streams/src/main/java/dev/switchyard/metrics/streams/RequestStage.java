package dev.switchyard.metrics.streams;

import dev.switchyard.events.Completion;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage partitioned by request id. Remembers every experiment request (request id → router, route, variant,
 * user) for the attribution window, joins request-keyed feedback to it (also feedback that arrives days later),
 * holds feedback whose request has not been seen yet, and drops duplicate Completions of one request.
 *
 * <p>Outputs a {@link CompletionDelta} per (first) Completion, for the traffic windows, and {@link StageEvent}s
 * for the user stage.
 */
final class RequestStage implements Processor<String, Object, String, Object> {
    static final String REQUESTS_STORE = "attribution-requests";
    static final String PENDING_STORE = "attribution-pending-requests";
    private static final Logger LOG = LoggerFactory.getLogger(RequestStage.class);

    private final TopologyOptions options;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, RequestInfo> requests;
    private KeyValueStore<String, PendingFeedback> pending;

    RequestStage(TopologyOptions options) {
        this.options = options;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.requests = context.getStateStore(REQUESTS_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        context.schedule(options.pendingCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expirePending);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof Completion completion) {
            onCompletion(completion, record.timestamp());
        } else if (record.value() instanceof FeedbackEvent feedback) {
            onFeedback(feedback, record.timestamp());
        }
    }

    private void onCompletion(Completion completion, long ts) {
        RequestInfo info = RequestInfo.of(completion);
        long window = options.attributionWindow().toMillis();
        if (info.inExperiment()) {
            // Exactly one Completion per request is the contract, but a worker that crashes between producing it and
            // committing its input redoes the request: count the request once.
            if (WindowStores.newest(requests, info.requestId(), ts - window, ts + window) != null) {
                LOG.debug("duplicate completion of request {} ignored", info.requestId());
                return;
            }
            requests.put(info.requestId(), info, ts);
        }
        CompletionDelta delta = CompletionDelta.of(completion);
        context.forward(new Record<>(delta.groupKey(), delta, ts));
        if (!info.inExperiment()) {
            return;
        }
        if (info.userId() != null) {
            forward(StageEvent.assignment(info), ts);
        }
        PendingFeedback waiting = pending.get(info.requestId());
        if (waiting != null) {
            pending.delete(info.requestId());
            for (PendingFeedback.Entry entry : waiting.entries()) {
                forward(StageEvent.attributed(entry.feedback(), Attribution.byRequest(info)), ts);
            }
        }
    }

    private void onFeedback(FeedbackEvent feedback, long ts) {
        if (feedback.requestId() != null) {
            long window = options.attributionWindow().toMillis();
            RequestInfo info = WindowStores.around(requests, feedback.requestId(), ts, window);
            if (info != null) {
                forward(StageEvent.attributed(feedback, Attribution.byRequest(info)), ts);
            } else {
                pending.put(feedback.requestId(), PendingFeedback.plus(pending.get(feedback.requestId()), feedback,
                        context.currentSystemTimeMs()));
            }
        } else if (feedback.routerId() != null && feedback.userId() != null) {
            forward(StageEvent.userFeedback(feedback), ts);
        } else {
            LOG.debug("feedback {} names neither a request nor a router's user: unattributed", feedback.feedbackId());
            forward(StageEvent.unattributed(feedback), ts);
        }
    }

    /**
     * Feedback whose request did not show up within the match wait: the user's assignment may still place it
     * (when the feedback names router and user), else it is counted as unattributed.
     */
    private void expirePending(long now) {
        // Emitted at stream time, not wall-clock time: a wall-clock timestamp ahead of a backlog being caught up
        // would make the windows drop the backlog as late.
        long emitAt = Math.max(0, context.currentStreamTimeMs());
        PendingFeedback.expire(pending, now, options.matchWait().toMillis(), f -> forward(
                f.routerId() != null && f.userId() != null ? StageEvent.userFeedback(f) : StageEvent.unattributed(f), emitAt));
    }

    private void forward(StageEvent event, long ts) {
        context.forward(new Record<>(event.userStageKey(), event, ts));
    }
}
