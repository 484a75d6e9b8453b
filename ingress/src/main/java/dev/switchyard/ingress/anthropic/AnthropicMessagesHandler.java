package dev.switchyard.ingress.anthropic;

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
import io.vertx.ext.web.RoutingContext;

import java.util.function.Predicate;

/**
 * {@code POST /v1/messages} (Anthropic Messages, streaming or not) and {@code POST /v1/messages/count_tokens}, over
 * the shared gateway. Authentication headers ({@code x-api-key}, {@code Authorization}) are never read; the
 * {@code ?beta=true} query Claude Code adds is accepted; {@code anthropic-version} and {@code anthropic-beta} are
 * passed on to Anthropic targets.
 */
public final class AnthropicMessagesHandler {
    public static final String MESSAGES = "messages";
    public static final String COUNT_TOKENS = "count_tokens";

    private final ChatEndpoint messages;
    private final ChatEndpoint countTokens;

    public AnthropicMessagesHandler(ChatGateway gateway, ModelResolver models, IngressMetrics metrics) {
        AnthropicMessagesParser parser = new AnthropicMessagesParser(models);
        // Reasoning signatures and native blocks (redacted_thinking) only go to an Anthropic client when Anthropic made
        // them: another provider's would be rejected when the client sends them back.
        Predicate<String> anthropicModel = modelId -> models.apiOf(modelId) == ApiKind.ANTHROPIC_MESSAGES;
        this.messages = new ChatEndpoint(gateway, MESSAGES, new Protocol(parser, metrics, false, anthropicModel));
        this.countTokens = new ChatEndpoint(gateway, COUNT_TOKENS, new Protocol(parser, metrics, true, anthropicModel));
    }

    public ChatEndpoint messages() {
        return messages;
    }

    public ChatEndpoint countTokens() {
        return countTokens;
    }

    private record Protocol(AnthropicMessagesParser parser, IngressMetrics metrics, boolean count, Predicate<String> signatures)
            implements ChatEndpoint.Protocol {
        @Override
        public ChatRequest parse(JsonNode body, RoutingContext ctx, RequestEnvelope envelope) {
            return parser.parse(body, ctx.request().headers(), envelope, count);
        }

        @Override
        public ChatResponder responder(ChatRequest request, JsonNode body, long created) {
            if (count) {
                return new AnthropicCountTokensResponder(request.getRequestId());
            }
            String model = body.path("model").asText(request.getModel());
            return request.getStream() ? new AnthropicStreamResponder(request.getRequestId(), model, signatures)
                    : new AnthropicMessageResponder(request.getRequestId(), model, signatures);
        }

        @Override
        public void sendError(RoutingContext ctx, ApiException error, String endpoint) {
            AnthropicErrors.send(ctx, error, metrics, endpoint);
        }
    }
}
