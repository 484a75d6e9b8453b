package dev.switchyard.ingress.http;

import dev.switchyard.events.ReplyError;

/**
 * A request that is answered with an error before anything is published: the status and the protocol-neutral error
 * fields (OpenAI's vocabulary: {@code type}, {@code param}, {@code code}). Each client protocol renders it in its own
 * error shape.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private Integer retryAfterSeconds;

    public ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false); // control flow, not a bug: no stack trace
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }

    public static ApiException invalidType(String param, String expected, String got) {
        return invalid(param, "invalid_type", "Invalid type for '" + param + "': expected " + expected + ", but got " + got + " instead.");
    }

    /** Asks the client to wait this long before retrying (the Retry-After header). */
    public ApiException withRetryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public ReplyError toReplyError() {
        return new ReplyError(status, type, code, param, getMessage(), retryAfterSeconds());
    }
}
