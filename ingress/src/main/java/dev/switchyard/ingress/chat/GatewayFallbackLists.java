package dev.switchyard.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.router.RouterValidationException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Other gateways' ways of listing a request's fallback models, read as the {@code fallback.models} they mean, so a
 * client written for them fails over here too (forwarded, OpenAI would refuse them as unrecognized arguments):
 * <ul>
 *   <li>OpenRouter's {@code models}: model ids in the order to try; the first is the model when {@code model} is
 *       absent, and the list usually repeats the model first;</li>
 *   <li>{@code fallbacks}: LiteLLM's model names, or OpenRouter's (Messages endpoint) {@code {"model": ...}}
 *       objects.</li>
 * </ul>
 * Entries resolve through the catalog as {@code model} does (bare names, dated ids, operator aliases); a router or an
 * unknown name is a 400. The request's own model is left out of the list, and a model listed twice is tried once.
 */
final class GatewayFallbackLists {
    private GatewayFallbackLists() {
    }

    /** The first model of OpenRouter's {@code models}, or null when it names none. */
    static String firstListed(JsonNode body) {
        JsonNode first = body.path("models").path(0);
        return first.isTextual() && !first.asText().isBlank() ? first.asText() : null;
    }

    /**
     * The fallback models the request lists in either field, as catalog ids in order, its own model left out; null when
     * neither field lists any.
     *
     * @param model             the model the request names ({@code model}, else the first of {@code models}), or null
     * @param fallbackHasModels whether the request's {@code fallback} object lists models already
     */
    static List<String> read(JsonNode body, String model, ModelResolver models, boolean fallbackHasModels) {
        String given = fallbackHasModels ? "fallback.models" : null;
        List<String> listed = null;
        for (String field : List.of("models", "fallbacks")) {
            JsonNode node = body.get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            if (given != null) {
                throw new RouterValidationException(field, "lists fallback models that '" + given
                        + "' already lists: name them once (fallback.models, models or fallbacks)");
            }
            given = field;
            listed = entries(node, field, models);
        }
        if (listed == null || listed.isEmpty()) {
            return null;
        }
        Set<String> ordered = new LinkedHashSet<>(listed);
        if (model != null) {
            models.catalogId(model).ifPresent(ordered::remove);
        }
        return ordered.isEmpty() ? null : new ArrayList<>(ordered);
    }

    private static List<String> entries(JsonNode node, String field, ModelResolver models) {
        if (!node.isArray()) {
            throw new RouterValidationException(field, "must be an array of model ids");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String entryField = field + "[" + i + "]";
            String name = name(node.get(i), entryField);
            if (ModelResolver.namesRouter(name)) {
                throw new RouterValidationException(entryField, "'" + name + "' is a router: a fallback is a model");
            }
            ids.add(models.catalogId(name).orElseThrow(() -> new RouterValidationException(entryField,
                    "unknown model '" + name + "' (see GET /v1/models)")));
        }
        return ids;
    }

    /** A model id, or an object with only a {@code model} (OpenRouter's and LiteLLM's object form). */
    private static String name(JsonNode entry, String field) {
        JsonNode name = entry;
        if (entry.isObject()) {
            if (entry.size() != 1 || !entry.has("model")) {
                throw new RouterValidationException(field,
                        "a fallback object takes only 'model' here (no per-model overrides)");
            }
            name = entry.get("model");
            field = field + ".model";
        }
        if (!name.isTextual() || name.asText().isBlank()) {
            throw new RouterValidationException(field, "must be a model id");
        }
        return name.asText();
    }
}
