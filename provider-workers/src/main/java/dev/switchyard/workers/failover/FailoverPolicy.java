package dev.switchyard.workers.failover;

import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.workers.providers.UpstreamFailure;

import java.util.Locale;

/**
 * Which failures move a request to its next candidate, which count against a provider's health, and the request's
 * limits (the dispatch's effective {@code fallback}: the router's, overridden field by field by the request's).
 * Before the first content delta, a connect error, a timeout, a 5xx, a 408/409/429, a context-length error (to a
 * candidate with a larger window) and a 401/403/404 fail over; any other 4xx is the client's problem and goes straight
 * back with the provider's status and message. A 401 or 403 refuses Switchyard's own key for that provider (revoked,
 * out of credit, a region it may not call from) and a 404 a model that provider does not serve: the operator's
 * configuration, never the client's request, so another provider may answer (as Portkey's and OpenRouter's fallbacks
 * do). After the first delta a failure ends the answer with an error, unless
 * {@code continue_midstream} is set and a candidate can continue the partial answer.
 */
public final class FailoverPolicy {
    /** How an attempt's failure is recorded and whether the next candidate is tried. */
    public record Verdict(String outcome, boolean tryNext) {
    }

    private final int maxAttempts;
    private final Long ttftTimeoutMs;
    private final Long totalTimeoutMs;
    private final Long hedgeAfterMs;
    private final boolean continueMidstream;

    public FailoverPolicy(int maxAttempts, Long ttftTimeoutMs, Long totalTimeoutMs) {
        this(maxAttempts, ttftTimeoutMs, totalTimeoutMs, null, false);
    }

    public FailoverPolicy(int maxAttempts, Long ttftTimeoutMs, Long totalTimeoutMs, Long hedgeAfterMs, boolean continueMidstream) {
        this.maxAttempts = maxAttempts;
        this.ttftTimeoutMs = ttftTimeoutMs;
        this.totalTimeoutMs = totalTimeoutMs;
        this.hedgeAfterMs = hedgeAfterMs;
        this.continueMidstream = continueMidstream;
    }

    /**
     * The dispatch's effective policy. {@code max_attempts} counts provider calls (hedges and continuations included)
     * and defaults to every candidate.
     */
    public static FailoverPolicy of(Dispatch dispatch) {
        FallbackPolicy fallback = dispatch.getFallback();
        int candidates = dispatch.getCandidates().size();
        Integer max = fallback == null ? null : fallback.getMaxAttempts();
        Long ttft = fallback == null ? null : positive(fallback.getTtftTimeoutMs());
        Long total = fallback == null ? null : positive(fallback.getTotalTimeoutMs());
        Long hedge = fallback == null ? null : positive(fallback.getHedgeAfterMs());
        boolean midstream = fallback != null && Boolean.TRUE.equals(fallback.getContinueMidstream());
        return new FailoverPolicy(max == null || max < 1 ? Math.max(1, candidates) : max, ttft, total, hedge, midstream);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Long ttftTimeoutMs() {
        return ttftTimeoutMs;
    }

    public Long totalTimeoutMs() {
        return totalTimeoutMs;
    }

    /** Null: no hedging. Else start the next candidate in parallel when no first token came after this long. */
    public Long hedgeAfterMs() {
        return hedgeAfterMs;
    }

    public boolean continueMidstream() {
        return continueMidstream;
    }

    /**
     * Whether a failure says the provider/model is unwell (feeds its circuit breaker): no connection, a timeout, a
     * broken stream, a 5xx, a 401/403/404 (a key or model that will fail every call until the operator fixes it), or a
     * 429 without Retry-After (with one, the Retry-After alone decides). Client errors,
     * context-length errors, a capability the model lacks and an unconfigured provider say nothing about its health.
     */
    public static boolean countsAgainstProvider(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case CONNECT, TIMEOUT, STREAM_BROKEN -> true;
            case NOT_CONFIGURED, BAD_REQUEST, UNSUPPORTED -> false;
            case HTTP -> failure.status() >= 500 || failure.status() == 408 || refusesSwitchyard(failure.status())
                    || (failure.status() == 429 && failure.retryAfter() == null);
        };
    }

    /** The verdict on a failure that happened before the attempt's first content delta. */
    public static Verdict beforeFirstContent(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case CONNECT, STREAM_BROKEN -> new Verdict(Outcome.CONNECT_ERROR, true);
            case TIMEOUT -> new Verdict(Outcome.TIMEOUT, true);
            case NOT_CONFIGURED -> new Verdict(Outcome.ERROR, true);
            case BAD_REQUEST -> new Verdict(Outcome.ERROR, false);
            case UNSUPPORTED -> new Verdict(Outcome.ERROR, true); // a candidate that can (vision, tools, ...) may follow
            case HTTP -> http(failure);
        };
    }

    private static Verdict http(UpstreamFailure failure) {
        int status = failure.status();
        if (status == 429) {
            return new Verdict(Outcome.RATE_LIMITED, true);
        }
        if (status == 408) {
            return new Verdict(Outcome.TIMEOUT, true);
        }
        if (status == 409) {
            return new Verdict(Outcome.ERROR, true); // a conflict on the provider's side: another model may answer
        }
        if (status >= 500 || refusesSwitchyard(status)) {
            return new Verdict(Outcome.ERROR, true);
        }
        if (isContextLength(failure)) {
            return new Verdict(Outcome.CONTEXT_LENGTH, true);
        }
        return new Verdict(Outcome.ERROR, false);
    }

    /** 401, 403, 404: the provider refuses Switchyard's key or does not serve the model (see the class comment). */
    public static boolean refusesSwitchyard(Integer status) {
        return status != null && (status == 401 || status == 403 || status == 404);
    }

    /** OpenAI's {@code context_length_exceeded} code, or the providers' wording of it (Anthropic: "prompt is too long"). */
    static boolean isContextLength(UpstreamFailure failure) {
        if ("context_length_exceeded".equals(failure.code())) {
            return true;
        }
        String message = failure.message() == null ? "" : failure.message().toLowerCase(Locale.ROOT);
        return message.contains("context length") || message.contains("context window")
                || message.contains("prompt is too long") || message.contains("maximum context");
    }

    private static Long positive(Long value) {
        return value == null || value <= 0 ? null : value;
    }
}
