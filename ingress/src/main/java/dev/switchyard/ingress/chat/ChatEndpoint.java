package dev.switchyard.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

import java.time.Instant;

/**
 * One client protocol's chat endpoint over the shared {@link ChatGateway}: admission before the body is read, then
 * parse → envelope → responder → submit, with every refusal rendered in the protocol's own error shape. A protocol
 * supplies only the {@link Protocol} (its parser, its responders, its error shape).
 */
public final class ChatEndpoint {

    /** What a client protocol adds. */
    public interface Protocol {
        /** The internal request, or an {@link ApiException} naming what is wrong. */
        ChatRequest parse(JsonNode body, RoutingContext ctx, RequestEnvelope envelope);

        /** The responder for a parsed request; {@code body} is the client's original body (for fields echoed back). */
        ChatResponder responder(ChatRequest request, JsonNode body, long createdEpochSeconds);

        /** Answers a refused request in the protocol's error shape (and counts it on the endpoint's metrics). */
        void sendError(RoutingContext ctx, ApiException error, String endpoint);
    }

    private final ChatGateway gateway;
    private final String endpoint;
    private final Protocol protocol;

    public ChatEndpoint(ChatGateway gateway, String endpoint, Protocol protocol) {
        this.gateway = gateway;
        this.endpoint = endpoint;
        this.protocol = protocol;
    }

    /** Runs before the body is read: an overloaded or closing instance refuses at once (a platform handler, as Vert.x Web requires). */
    public PlatformHandler admission() {
        return ctx -> {
            try {
                gateway.checkAdmissible();
                ctx.next();
            } catch (ApiException e) {
                protocol.sendError(ctx, e, endpoint);
            }
        };
    }

    public void handle(RoutingContext ctx) {
        Instant received = Instant.now();
        InFlightLimiter.Slot slot = null;
        try {
            slot = gateway.admit();
            JsonNode body = Json.parse(ctx.body().buffer());
            RequestEnvelope envelope = gateway.envelope(received);
            ChatRequest request = protocol.parse(body, ctx, envelope);
            ChatResponder responder = protocol.responder(request, body, received.getEpochSecond());
            gateway.submit(request, responder, ctx.response(), slot, endpoint);
        } catch (ApiException e) {
            if (slot != null) {
                slot.release();
            }
            protocol.sendError(ctx, e, endpoint);
        }
    }
}
