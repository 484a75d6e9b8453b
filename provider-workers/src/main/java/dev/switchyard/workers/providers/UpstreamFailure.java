package dev.switchyard.workers.providers;

import dev.switchyard.workers.providers.translate.UnsupportedRequestException;

import java.time.Duration;

/**
 * Why a provider call failed, with the upstream's own status, error type, code, param and message preserved so the
 * client can be told exactly what the provider said. {@code status} is null when no HTTP answer came (connect error,
 * timeout, dropped stream). {@code retryAfter} is the provider's Retry-After, when it sent one.
 * Messages never contain credentials: adapters redact them (see {@link Secrets}).
 */
public record UpstreamFailure(Kind kind, Integer status, String type, String code, String param, String message,
                              Duration retryAfter) {

    public enum Kind {
        /** The provider answered with an HTTP error status (or an error event inside the stream). */
        HTTP,
        /** No connection, or the connection closed before any answer. */
        CONNECT,
        /** The connection went idle for longer than the configured upstream idle timeout. */
        TIMEOUT,
        /** The answer stream ended or broke before the provider finished it. */
        STREAM_BROKEN,
        /** The provider has no key, base URL or mock configured. */
        NOT_CONFIGURED,
        /** The request could not be translated for this provider (bad messages JSON, ...). */
        BAD_REQUEST,
        /** This model cannot serve the request (tools, images, PDFs, a response format it lacks): another one may. */
        UNSUPPORTED
    }

    public static UpstreamFailure http(int status, String type, String code, String param, String message, Duration retryAfter) {
        return new UpstreamFailure(Kind.HTTP, status, type != null ? type : typeForStatus(status), code, param, message, retryAfter);
    }

    public static UpstreamFailure connect(String message) {
        return new UpstreamFailure(Kind.CONNECT, null, "api_connection_error", null, null, message, null);
    }

    public static UpstreamFailure timeout(String message) {
        return new UpstreamFailure(Kind.TIMEOUT, null, "timeout_error", null, null, message, null);
    }

    public static UpstreamFailure streamBroken(String message) {
        return new UpstreamFailure(Kind.STREAM_BROKEN, null, "upstream_error", null, null, message, null);
    }

    public static UpstreamFailure notConfigured(String message) {
        return new UpstreamFailure(Kind.NOT_CONFIGURED, 503, "provider_not_configured", "provider_not_configured", null, message, null);
    }

    public static UpstreamFailure badRequest(String message) {
        return new UpstreamFailure(Kind.BAD_REQUEST, 400, "invalid_request_error", null, null, message, null);
    }

    /** Why an adapter could not build the provider's request: beyond this model's capabilities, or malformed. */
    public static UpstreamFailure refused(RuntimeException e) {
        return e instanceof UnsupportedRequestException
                ? new UpstreamFailure(Kind.UNSUPPORTED, 400, "invalid_request_error", null, null, e.getMessage(), null)
                : badRequest(e.getMessage());
    }

    /** OpenAI-style error type for a status when the provider didn't name one. */
    public static String typeForStatus(int status) {
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 408 -> "timeout_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** Short form for attempt reasons and logs: {@code 500 api_error: message}. */
    public String summary() {
        String head = status != null ? status + " " + type : kind.name().toLowerCase(java.util.Locale.ROOT);
        return head + ": " + message;
    }
}
