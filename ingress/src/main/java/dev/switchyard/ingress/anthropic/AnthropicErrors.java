package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ReplyError;
import dev.switchyard.ingress.chat.ChatGateway;
import dev.switchyard.ingress.chat.SwitchyardHeaders;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type","message"},"request_id"}}, for refused requests and
 * for terminal errors from the pipeline (whose OpenAI-style types are mapped to Anthropic's by status when they are
 * not already Anthropic's), and Anthropic's {@code request-id} header. The upstream status and message are kept.
 */
public final class AnthropicErrors {
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicErrors.class);
    /** Anthropic's response header naming the request (its SDKs' {@code _request_id} / {@code requestId()}). */
    public static final String REQUEST_ID_HEADER = "request-id";
    private static final Set<String> TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error",
            "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error", "overloaded_error",
            "timeout_error");

    private AnthropicErrors() {
    }

    /**
     * Answers a request refused before it reached the pipeline. Nothing was published, so the request gets a fresh
     * id: in the {@code request-id} header, the body's {@code request_id} and the log line, as Anthropic names every
     * answer.
     */
    public static void send(RoutingContext ctx, ApiException error, IngressMetrics metrics, String endpoint) {
        String requestId = ChatGateway.newRequestId();
        LOG.info("{} {} -> {} {}{}: {} ({})", ctx.request().method(), ctx.request().path(), error.status(), error.type(),
                error.param() == null ? "" : " (param " + error.param() + ")", error.getMessage(), requestId);
        metrics.request(endpoint, String.valueOf(error.status()));
        if (error.retryAfterSeconds() != null) {
            ctx.response().putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
        }
        ctx.response().putHeader(REQUEST_ID_HEADER, requestId);
        Json.send(ctx, error.status(), body(error.toReplyError(), requestId));
    }

    /**
     * Whether a request that no endpoint took (an unknown path, a wrong method, a body over the limit) is answered in
     * Anthropic's shape: it was sent to {@code /v1/messages...}, or carries {@code anthropic-version} as Anthropic's
     * SDKs always send it.
     */
    public static boolean isAnthropicRequest(RoutingContext ctx) {
        return ctx.request().path().startsWith("/v1/messages") || ctx.request().headers().contains("anthropic-version");
    }

    /**
     * Gives every answer of an Anthropic endpoint Anthropic's {@code request-id} header (its SDKs read the request id
     * from it): the Switchyard request id of an answer from the pipeline, as in {@code x-switchyard-request-id}.
     * Refusals set their own in {@link #send}.
     */
    public static PlatformHandler requestIdHeader() {
        return ctx -> {
            ctx.addHeadersEndHandler(v -> {
                MultiMap headers = ctx.response().headers();
                String id = headers.get(SwitchyardHeaders.REQUEST_ID);
                if (!headers.contains(REQUEST_ID_HEADER) && id != null) {
                    headers.set(REQUEST_ID_HEADER, id);
                }
            });
            ctx.next();
        };
    }

    public static ObjectNode body(ReplyError error, String requestId) {
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type(error.getStatus(), error.getType())).put("message", error.getMessage());
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }

    /**
     * The error's type in Anthropic's vocabulary: Anthropic's own type when it is one, except the catch-all
     * invalid_request_error on a status Anthropic has a type of its own for (404 not_found_error, 413
     * request_too_large, ...); else the status's.
     */
    static String type(int status, String type) {
        String byStatus = switch (status) {
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
        if (type == null || !TYPES.contains(type)) {
            return byStatus;
        }
        return type.equals("invalid_request_error") && status < 500 ? byStatus : type;
    }
}
