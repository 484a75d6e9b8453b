package dev.switchyard.ingress.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.ingress.chat.ChatGateway;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.chat.InFlightLimiter;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.time.Instant;

/** {@code POST /v1/chat/completions}: OpenAI's parser and renderers over the shared {@link ChatGateway}. */
public final class OpenAiChatHandler {
    public static final String ENDPOINT = "chat_completions";

    private final ChatGateway gateway;
    private final OpenAiChatParser parser;
    private final IngressMetrics metrics;

    public OpenAiChatHandler(ChatGateway gateway, OpenAiChatParser parser, IngressMetrics metrics) {
        this.gateway = gateway;
        this.parser = parser;
        this.metrics = metrics;
    }

    /**
     * Runs before the body is read: an overloaded or closing instance refuses at once. A platform handler, because
     * Vert.x Web only lets those run before the body handler.
     */
    public PlatformHandler admission() {
        return new Admission();
    }

    private final class Admission implements PlatformHandler {
        @Override
        public void handle(RoutingContext ctx) {
            try {
                gateway.checkAdmissible();
                ctx.next();
            } catch (ApiException e) {
                OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
            }
        }
    }

    public void handle(RoutingContext ctx) {
        Instant received = Instant.now();
        InFlightLimiter.Slot slot = null;
        try {
            slot = gateway.admit();
            JsonNode body = Json.parse(ctx.body().buffer());
            RequestEnvelope envelope = gateway.envelope(received);
            ChatRequest request = parser.parse(body, ctx.request().headers(), envelope);
            long created = received.getEpochSecond();
            ChatResponder responder = request.getStream()
                    ? new OpenAiStreamResponder(request.getRequestId(), created, request.getIncludeUsage(), request.getModel())
                    : new OpenAiCompletionResponder(request.getRequestId(), created, request.getModel());
            gateway.submit(request, responder, ctx.response(), slot, ENDPOINT);
        } catch (ApiException e) {
            if (slot != null) {
                slot.release();
            }
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
        }
    }
}
