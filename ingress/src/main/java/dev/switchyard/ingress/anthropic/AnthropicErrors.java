package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyError;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type","message"},"request_id"}}, for refused requests and
 * for terminal errors from the pipeline (whose OpenAI-style types are mapped to Anthropic's by status when they are
 * not already Anthropic's). The upstream status and message are kept.
 */
public final class AnthropicErrors {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicErrors.class);
    private static final Set<String> TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error",
            "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "overloaded_error",
            "timeout_error");

    private AnthropicErrors() {
    }

    public static void send(RoutingContext ctx, ApiException error, IngressMetrics metrics, String endpoint) {
        LOG.info("{} {} -> {} {}{}: {}", ctx.request().method(), ctx.request().path(), error.status(), error.type(),
                error.param() == null ? "" : " (param " + error.param() + ")", error.getMessage());
        metrics.request(endpoint, String.valueOf(error.status()));
        if (error.retryAfterSeconds() != null) {
            ctx.response().putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
        }
        Json.send(ctx, error.status(), body(error.toReplyError(), null));
    }

    public static ObjectNode body(ReplyError error, String requestId) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type(error.getStatus(), error.getType())).put("message", error.getMessage());
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }

    /** The error's type in Anthropic's vocabulary. */
    static String type(int status, String type) {
        if (type != null && TYPES.contains(type) && !(type.equals("invalid_request_error") && status == 404)) {
            return type;
        }
        return switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
