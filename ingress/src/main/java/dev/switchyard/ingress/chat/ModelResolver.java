package dev.switchyard.ingress.chat;

import dev.switchyard.core.catalog.ApiKind;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.catalog.ResolvedName;
import dev.switchyard.ingress.http.ApiException;

import java.util.Optional;

/**
 * Resolves the model a client names, through the catalog ({@link ModelCatalog#resolve}): {@code router/<id>} and
 * {@code inworld/<id>} pass through unchanged (the routing engine checks that the router exists: it may be created a
 * moment later); operator aliases send a name to a model or a router; a bare name or dated id as coding tools send it
 * ({@code claude-sonnet-4-5-20250929}, {@code gpt-5.2}) is stored as its catalog id; anything else is a 404 before
 * anything is published (unless the operator sends unknown names to a default).
 */
public final class ModelResolver {
    private final ModelCatalog catalog;

    public ModelResolver(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public static boolean namesRouter(String model) {
        return ResolvedName.namesRouter(model);
    }

    public String resolve(String model) {
        if (namesRouter(model)) {
            String id = model.substring(model.indexOf('/') + 1);
            if (id.isBlank()) {
                throw ApiException.invalid("model", "invalid_value", "'" + model + "' names no router: use router/<router id>.");
            }
            return model;
        }
        Optional<ResolvedName> found = catalog.resolve(model);
        if (found.isEmpty()) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model `" + model + "` does not exist: name a router (router/<id>) or a model of the catalog (see GET /v1/models).");
        }
        return found.get().model();
    }

    public boolean isKnownModel(String id) {
        return catalog.find(id).isPresent();
    }

    /** The catalog id of a model name as {@link #resolve} reads it; empty for a router (or an alias of one) or an unknown one. */
    public Optional<String> catalogId(String name) {
        if (namesRouter(name)) {
            return Optional.empty();
        }
        return catalog.resolve(name).filter(r -> !r.isRouter()).map(ResolvedName::model);
    }

    /**
     * The catalog id of a model name in a router (its variants and fallback models): read like a request's model, but
     * never through the operator's {@code "*"} alias, so that a typo in a router is refused, not routed to the default.
     */
    public Optional<String> configuredModelId(String name) {
        return catalog.findConfigured(name).map(CatalogModel::id);
    }

    /** The upstream API of a catalog model id (as reply chunks name it), or null when unknown. */
    public ApiKind apiOf(String modelId) {
        return modelId == null ? null : catalog.find(modelId).map(CatalogModel::api).orElse(null);
    }
}
