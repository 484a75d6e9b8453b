package dev.switchyard.ingress.chat;

import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.ingress.http.ApiException;

import java.util.Optional;

/**
 * Resolves the model a client names. {@code router/<id>} and {@code inworld/<id>} pass through unchanged: the routing
 * engine checks that the router exists (it may be created a moment later). A direct model must be in the catalog, by
 * {@code provider/model} id or alias, and is stored as its catalog id; anything else is a 404 before anything is published.
 */
public final class ModelResolver {
    private static final String[] ROUTER_PREFIXES = {"router/", "inworld/"};

    private final ModelCatalog catalog;

    public ModelResolver(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public static boolean namesRouter(String model) {
        for (String prefix : ROUTER_PREFIXES) {
            if (model.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public String resolve(String model) {
        if (namesRouter(model)) {
            String id = model.substring(model.indexOf('/') + 1);
            if (id.isBlank()) {
                throw ApiException.invalid("model", "invalid_value", "'" + model + "' names no router: use router/<router id>.");
            }
            return model;
        }
        Optional<CatalogModel> found = catalog.find(model);
        if (found.isEmpty()) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model `" + model + "` does not exist: name a router (router/<id>) or a model of the catalog (see GET /v1/models).");
        }
        return found.get().id();
    }

    public boolean isKnownModel(String id) {
        return catalog.find(id).isPresent();
    }
}
