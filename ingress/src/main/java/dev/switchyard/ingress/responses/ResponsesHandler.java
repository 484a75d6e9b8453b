package dev.switchyard.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.ApiKind;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.ingress.chat.ChatEndpoint;
import dev.switchyard.ingress.chat.ChatGateway;
import dev.switchyard.ingress.chat.ChatResponder;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/** {@code POST /v1/responses}: the OpenAI Responses API (what Codex CLI speaks) over the shared gateway. */
public final class ResponsesHandler {
    public static final String ENDPOINT = "responses";

    private final ChatEndpoint endpoint;

    public ResponsesHandler(ChatGateway gateway, ModelResolver models, IngressMetrics metrics) {
        ResponsesParser parser = new ResponsesParser(models);
        // Encrypted reasoning only goes back to a Responses client when the Responses API made it: another provider's
        // signature would fail OpenAI's verification when the client sends it back.
        Predicate<String> responsesModel = modelId -> models.apiOf(modelId) == ApiKind.OPENAI_RESPONSES;
        this.endpoint = new ChatEndpoint(gateway, ENDPOINT, new ChatEndpoint.Protocol() {
            @Override
            public ChatRequest parse(JsonNode body, RoutingContext ctx, RequestEnvelope envelope) {
                return parser.parse(body, ctx.request().headers(), envelope);
            }

            @Override
            public ChatResponder responder(ChatRequest request, JsonNode body, long created) {
                return new ResponsesResponder(request.getStream(), request.getRequestId(), created, body.path("model").asText(request.getModel()),
                        body, customTools(body), responsesModel);
            }

            @Override
            public void sendError(RoutingContext ctx, ApiException error, String endpoint) {
                OpenAiErrors.send(ctx, error, metrics, endpoint);
            }
        });
    }

    public ChatEndpoint endpoint() {
        return endpoint;
    }

    private static Set<String> customTools(JsonNode body) {
        Set<String> names = new HashSet<>();
        for (JsonNode tool : body.path("tools")) {
            if ("custom".equals(tool.path("type").asText()) && tool.path("name").isTextual()) {
                names.add(tool.get("name").asText());
            }
        }
        return names;
    }
}
