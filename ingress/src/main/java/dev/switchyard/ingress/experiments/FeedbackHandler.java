package dev.switchyard.ingress.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.Feedback;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.kafka.EventPublisher;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import io.vertx.core.Context;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * {@code POST /v1/feedback}: validates an outcome ({@link FeedbackParser}), produces it to {@code llm.feedback} and
 * answers 202 only once the broker has acknowledged it (so an accepted outcome is never lost). Attribution to a
 * variant happens later, in the metrics stage; a refused outcome publishes nothing.
 */
final class FeedbackHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackHandler.class);
    static final String ENDPOINT = "feedback";

    private final FeedbackParser parser;
    private final EventPublisher publisher;
    private final IngressMetrics metrics;

    FeedbackHandler(FeedbackParser parser, EventPublisher publisher, IngressMetrics metrics) {
        this.parser = parser;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    void handle(RoutingContext ctx) {
        FeedbackParser.Parsed parsed;
        try {
            JsonNode body = Json.parse(ctx.body().buffer());
            parsed = parser.parse(body, Instant.now());
        } catch (ApiException e) {
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
            return;
        }
        Context context = ctx.vertx().getOrCreateContext();
        publisher.publishFeedback(parsed.key(), parsed.feedback()).whenComplete((ack, error) -> context.runOnContext(v -> {
            if (error != null) {
                LOG.warn("feedback {} not written: {}", parsed.feedback().getFeedbackId(), error.toString());
                OpenAiErrors.send(ctx, new ApiException(503, "api_error", null, "unavailable",
                        "The feedback could not be written to Kafka; retry it."), metrics, ENDPOINT);
                return;
            }
            metrics.request(ENDPOINT, "202");
            Json.send(ctx, 202, accepted(parsed.feedback()));
        }));
    }

    private static ObjectNode accepted(Feedback f) {
        ObjectNode node = Json.object();
        node.put("id", f.getFeedbackId());
        node.put("object", "feedback");
        node.put("status", "accepted");
        if (f.getRequestId() != null) {
            node.put("request_id", f.getRequestId());
        }
        if (f.getRouterId() != null) {
            node.put("router", f.getRouterId());
        }
        if (f.getUserId() != null) {
            node.put("user", f.getUserId());
        }
        node.put("metric", f.getMetric());
        node.put("value", f.getValue());
        node.put("timestamp", f.getTimestamp().toString());
        return node;
    }
}
