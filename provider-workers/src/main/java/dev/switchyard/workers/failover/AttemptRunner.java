package dev.switchyard.workers.failover;

import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.ProviderAdapter;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.UpstreamFailure;

import java.time.Clock;
import java.time.Instant;

/**
 * One try of one candidate: starts the provider call and tells its {@link Observer} about the first content delta,
 * every content delta, and how the call ended (finish reason, usage, the model name the provider reported). It knows
 * nothing of Kafka or of other candidates: what to do with its output is the observer's decision, which is what lets
 * hedging run two of these at once. All methods and callbacks run on the request's Vert.x context.
 */
public final class AttemptRunner implements CallListener {

    public interface Observer {
        /** The first content delta of this attempt arrived (its time is {@link #firstContentAt()}). */
        void onFirstContent(AttemptRunner attempt);

        void onContent(AttemptRunner attempt, Delta delta);

        void onFinished(AttemptRunner attempt);

        void onFailed(AttemptRunner attempt, UpstreamFailure failure);
    }

    private final String attemptId;
    private final int number;
    private final CatalogModel model;
    private final ProviderAdapter adapter;
    private final CallSpec spec;
    private final Observer observer;
    private final Clock clock;
    private Instant startedAt;
    private Instant firstContentAt;
    private ProviderCall call;
    private boolean over;
    private String modelName;
    private String finishReason;
    private String stopReason;
    private String stopSequence;
    private Usage usage;

    public AttemptRunner(String attemptId, int number, CatalogModel model, ProviderAdapter adapter, CallSpec spec,
                         Observer observer, Clock clock) {
        this.attemptId = attemptId;
        this.number = number;
        this.model = model;
        this.adapter = adapter;
        this.spec = spec;
        this.observer = observer;
        this.clock = clock;
    }

    public void start() {
        startedAt = clock.instant();
        ProviderCall started = adapter.start(spec, this);
        if (over) {
            started.cancel(); // failed synchronously (request not translatable)
        } else {
            call = started;
        }
    }

    /** Stops the provider call; no observer callback follows. Nothing to do once the call ended. */
    public void cancel() {
        if (over) {
            return;
        }
        over = true;
        if (call != null) {
            call.cancel();
        }
    }

    @Override
    public void onDelta(Delta delta) {
        if (over) {
            return;
        }
        if (delta.modelName() != null) {
            modelName = delta.modelName();
        }
        if (delta.finishReason() != null) {
            finishReason = delta.finishReason();
            stopReason = delta.stopReason();
            stopSequence = delta.stopSequence();
        }
        if (delta.usage() != null) {
            usage = delta.usage();
        }
        if (delta.hasContent()) {
            if (firstContentAt == null) {
                firstContentAt = clock.instant();
                observer.onFirstContent(this);
                if (over) {
                    return; // the observer chose to stop this attempt
                }
            }
            observer.onContent(this, delta);
        }
    }

    @Override
    public void onComplete() {
        if (!over) {
            over = true;
            observer.onFinished(this);
        }
    }

    @Override
    public void onError(UpstreamFailure failure) {
        if (!over) {
            over = true;
            observer.onFailed(this, failure);
        }
    }

    public String attemptId() {
        return attemptId;
    }

    public int number() {
        return number;
    }

    public CatalogModel model() {
        return model;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Null until the first content delta. */
    public Instant firstContentAt() {
        return firstContentAt;
    }

    public boolean hasContent() {
        return firstContentAt != null;
    }

    /** The model name the provider reported, else the upstream name we asked for. */
    public String modelName() {
        return modelName != null ? modelName : model.upstream();
    }

    /** The finish reason the provider gave; "stop" when it gave none. */
    public String finishReason() {
        return finishReason != null ? finishReason : "stop";
    }

    /** An Anthropic provider's own stop reason (null from other protocols). */
    public String stopReason() {
        return stopReason;
    }

    /** With stop reason stop_sequence: the stop sequence that ended the answer. */
    public String stopSequence() {
        return stopSequence;
    }

    /**
     * Null when the provider reported no usage (yet): before the end, what it reported up front (Anthropic's input
     * usage in message_start).
     */
    public Usage usage() {
        return usage;
    }
}
