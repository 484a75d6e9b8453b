package dev.switchyard.metrics.streams;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The stage partitioned by router and user. Remembers each user's latest variant per router (for feedback keyed
 * by user only), de-duplicates observations (one per request and metric; one per user, variant and metric for
 * user-keyed feedback, so a user-level metric counts each user once per variant) and turns every feedback event
 * into a {@link MetricDelta} keyed by router, route, variant and metric. Every attributed feedback event is also
 * output as a {@link FeedbackRow} (not de-duplicated: the report counts a boolean metric's positive users from these,
 * each user once, whenever their positive came).
 */
final class UserStage implements Processor<String, StageEvent, String, Object> {
    static final String USERS_STORE = "attribution-users";
    static final String PENDING_STORE = "attribution-pending-users";
    static final String SEEN_STORE = "attribution-seen";
    /** A user's assignment is written again at most this often while it doesn't change (fewer store entries). */
    static final long REFRESH_MS = 3_600_000;

    private final TopologyOptions options;
    private ProcessorContext<String, Object> context;
    private WindowStore<String, UserAssignment> users;
    private KeyValueStore<String, PendingFeedback> pending;
    private WindowStore<String, Long> seen;

    UserStage(TopologyOptions options) {
        this.options = options;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.users = context.getStateStore(USERS_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        this.seen = context.getStateStore(SEEN_STORE);
        context.schedule(options.pendingCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::expirePending);
    }

    @Override
    public void process(Record<String, StageEvent> record) {
        StageEvent event = record.value();
        long ts = record.timestamp();
        switch (event.type()) {
            case StageEvent.ASSIGNMENT -> onAssignment(event.request(), ts);
            case StageEvent.USER_FEEDBACK -> onUserFeedback(event.feedback(), ts);
            case StageEvent.ATTRIBUTED -> count(event.feedback(), event.attribution(), ts);
            case StageEvent.UNATTRIBUTED -> forward(MetricDelta.unattributed(event.feedback()), ts);
            default -> throw new IllegalStateException("unknown stage event type " + event.type());
        }
    }

    private void onAssignment(RequestInfo request, long ts) {
        String key = Keys.routerUser(request.routerId(), request.userId());
        long window = options.attributionWindow().toMillis();
        UserAssignment latest = WindowStores.newest(users, key, ts - window, ts);
        if (latest == null || !latest.variantId().equals(request.variantId()) || ts - latest.atMs() >= REFRESH_MS) {
            users.put(key, new UserAssignment(request.routeId(), request.variantId(), ts), ts);
        }
        PendingFeedback waiting = pending.get(key);
        if (waiting != null) {
            pending.delete(key);
            Attribution a = new Attribution(request.routerId(), request.routeId(), request.variantId(), request.userId(),
                    Attribution.BY_USER);
            for (PendingFeedback.Entry entry : waiting.entries()) {
                count(entry.feedback(), a, ts);
            }
        }
    }

    private void onUserFeedback(FeedbackEvent feedback, long ts) {
        String key = Keys.routerUser(feedback.routerId(), feedback.userId());
        UserAssignment assignment = WindowStores.around(users, key, ts, options.attributionWindow().toMillis());
        if (assignment == null) {
            pending.put(key, PendingFeedback.plus(pending.get(key), feedback, context.currentSystemTimeMs()));
            return;
        }
        count(feedback, new Attribution(feedback.routerId(), assignment.routeId(), assignment.variantId(),
                feedback.userId(), Attribution.BY_USER), ts);
    }

    private void count(FeedbackEvent f, Attribution a, long ts) {
        FeedbackRow row = FeedbackRow.of(f, a, ts);
        context.forward(new Record<>(row.key(), row, ts));
        String observationKey = Attribution.BY_REQUEST.equals(a.method())
                ? Keys.join("o", f.requestId(), f.metric())
                : Keys.join("o", a.routerId(), a.variantId(), f.metric(), a.userId());
        boolean firstObservation = markFirst(observationKey, ts);
        boolean firstOfUser = false;
        boolean firstPositiveOfUser = false;
        if (a.userId() != null) {
            firstOfUser = markFirst(Keys.join("f", a.routerId(), a.variantId(), f.metric(), a.userId()), ts);
            firstPositiveOfUser = f.value() > 0
                    && markFirst(Keys.join("p", a.routerId(), a.variantId(), f.metric(), a.userId()), ts);
        }
        double v = firstObservation ? f.value() : 0;
        forward(new MetricDelta(a.routerId(), a.routeId(), a.variantId(), f.metric(),
                firstObservation ? 1 : 0, v, v * v, firstOfUser ? 1 : 0, firstPositiveOfUser ? 1 : 0,
                firstObservation ? 0 : 1), ts);
    }

    /** True the first time {@code key} is seen within the de-duplication retention; remembers it. */
    private boolean markFirst(String key, long ts) {
        long retention = options.userDedupRetention().toMillis();
        try (WindowStoreIterator<Long> it = seen.fetch(key, Math.max(0, ts - retention), ts + retention)) {
            if (it.hasNext()) {
                return false;
            }
        }
        seen.put(key, ts, ts);
        return true;
    }

    /** User-keyed feedback of a user never seen within the window: counted as unattributed after the match wait. */
    private void expirePending(long now) {
        // Emitted at stream time, not wall-clock time: a wall-clock timestamp ahead of a backlog being caught up
        // would make the windows drop the backlog as late.
        long emitAt = Math.max(0, context.currentStreamTimeMs());
        PendingFeedback.expire(pending, now, options.matchWait().toMillis(),
                f -> forward(MetricDelta.unattributed(f), emitAt));
    }

    private void forward(MetricDelta delta, long ts) {
        context.forward(new Record<>(delta.groupKey(), delta, ts));
    }
}
