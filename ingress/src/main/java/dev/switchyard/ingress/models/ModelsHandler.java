package dev.switchyard.ingress.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.http.Json;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Comparator;

/**
 * {@code GET /v1/models} in OpenAI's list shape: every catalog model by its {@code provider/model} id, and every router
 * as {@code router/<id>} (what a client puts in {@code model} to use it).
 */
public final class ModelsHandler {
    private final ModelCatalog catalog;
    private final RouterConfigStore routers;
    private final long catalogCreated = Instant.now().getEpochSecond();

    public ModelsHandler(ModelCatalog catalog, RouterConfigStore routers) {
        this.catalog = catalog;
        this.routers = routers;
    }

    public void handle(RoutingContext ctx) {
        ObjectNode body = Json.object().put("object", "list");
        ArrayNode data = body.putArray("data");
        catalog.all().stream().sorted(Comparator.comparing(CatalogModel::id)).forEach(model ->
                data.addObject().put("id", model.id()).put("object", "model").put("created", catalogCreated).put("owned_by", model.provider()));
        routers.all().stream().sorted(Comparator.comparing(RouterConfig::getId)).forEach(router ->
                data.addObject().put("id", "router/" + router.getId()).put("object", "model")
                        .put("created", router.getCreatedAt().getEpochSecond()).put("owned_by", "switchyard"));
        Json.send(ctx, 200, body);
    }
}
