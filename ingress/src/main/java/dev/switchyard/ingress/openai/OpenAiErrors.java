package dev.switchyard.ingress.openai;

import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a refused request in OpenAI's error shape, the one of the chat endpoint and of the router admin API. Each
 * refusal is logged once at INFO (the client's mistake, not ours), without the body.
 */
public final class OpenAiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrors.class);

    private OpenAiErrors() {
    }

    public static void send(RoutingContext ctx, ApiException error, IngressMetrics metrics, String endpoint) {
        LOG.info("{} {} -> {} {}{}: {}", ctx.request().method(), ctx.request().path(), error.status(), error.type(),
                error.param() == null ? "" : " (param " + error.param() + ")", error.getMessage());
        metrics.request(endpoint, String.valueOf(error.status()));
        if (error.retryAfterSeconds() != null) {
            ctx.response().putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
        }
        Json.send(ctx, error.status(), OpenAiJson.error(error));
    }
}
