package dev.switchyard.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.router.FallbackPolicies;
import dev.switchyard.core.router.RouterValidationException;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What every client protocol's parser takes from a request the same way, whatever the protocol calls its other fields:
 * the fields forwarded untouched, the provider headers, the per-request fallback.
 */
public final class RequestFields {
    /** Client headers meant for the provider (an Anthropic model still honours them behind an OpenAI-shaped request). */
    static final List<String> PROVIDER_HEADERS = List.of("anthropic-version", "anthropic-beta");

    private RequestFields() {
    }

    /** The body's fields other than {@code known} (typed or routing fields), as JSON for the provider; null if none. */
    public static String extraJson(JsonNode body, Set<String> known) {
        ObjectNode extra = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!known.contains(field.getKey())) {
                extra.set(field.getKey(), field.getValue());
            }
        }
        return extra.isEmpty() ? null : Json.write(extra);
    }

    /** The client's headers meant for the provider, each with its values joined. */
    public static Map<String, String> providerHeaders(MultiMap headers) {
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : PROVIDER_HEADERS) {
            List<String> values = headers.getAll(name);
            if (!values.isEmpty()) {
                forwarded.put(name, String.join(",", values));
            }
        }
        return forwarded;
    }

    /**
     * The request's own {@code fallback}, validated like a router's, with the models other gateways' clients list in
     * {@code models} or {@code fallbacks} ({@link GatewayFallbackLists}); null when the request has none. Its models
     * are named as the request's model is (bare names, aliases) and travel as catalog ids. {@code toError} words a
     * rejection in the client protocol's error shape.
     */
    public static FallbackPolicy fallback(JsonNode body, ModelResolver models, Function<RouterValidationException, ApiException> toError) {
        try {
            FallbackPolicy policy = FallbackPolicies.parse(body.get("fallback"), "fallback", models::catalogId);
            boolean objectListsModels = policy != null && policy.getModels() != null;
            JsonNode model = modelField(body);
            List<String> listed = GatewayFallbackLists.read(body, model != null && model.isTextual() ? model.asText() : null,
                    models, objectListsModels);
            if (listed == null) {
                return policy;
            }
            FallbackPolicy withModels = policy == null ? new FallbackPolicy() : policy;
            withModels.setModels(listed);
            return withModels;
        } catch (RouterValidationException e) {
            throw toError.apply(e);
        }
    }

    /** The model a request names: its {@code model}, else (OpenRouter's way) the first of its {@code models}. */
    public static JsonNode modelField(JsonNode body) {
        JsonNode model = body.get("model");
        if ((model == null || model.isNull()) && GatewayFallbackLists.firstListed(body) != null) {
            return body.path("models").path(0);
        }
        return model;
    }
}
