package dev.switchyard.workers.failover;

/** The {@code Attempt.outcome} vocabulary (see common.avsc). */
public final class Outcome {
    public static final String OK = "ok";
    public static final String STREAMING = "streaming";
    public static final String ERROR = "error";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String TIMEOUT = "timeout";
    public static final String TTFT_TIMEOUT = "ttft_timeout";
    public static final String CONTEXT_LENGTH = "context_length";
    public static final String CONNECT_ERROR = "connect_error";
    public static final String CANCELLED = "cancelled";
    public static final String SKIPPED_UNHEALTHY = "skipped_unhealthy";
    /** A hedged call cancelled because the other call produced the first token first. */
    public static final String HEDGE_LOST = "hedge_lost";

    private Outcome() {
    }
}
