package dev.switchyard.ingress.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import dev.switchyard.ingress.routers.RouterAdminHandler;
import dev.switchyard.ingress.routers.RouterVersionsReader;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The ramp actions of an experiment, applied like a PATCH (a new router version on router.configs and
 * router.versions, answered with the rendered router):
 * <ul>
 *   <li>{@code POST /router/v1/routers/{id}:promote {"variant": "<variant_id>"}}: that variant gets 100 % of its
 *       route, the route's other variants 0 (router-core's {@link RouterDocuments#promote});</li>
 *   <li>{@code POST /router/v1/routers/{id}:restore {"version": N}}: version N's routes (with their sticky bucket
 *       allocation, so users go back to the variant they had then), default route, fallback and metrics are published
 *       as the next version. The display name stays the current one.</li>
 * </ul>
 */
final class RampHandler {
    static final String ENDPOINT = "routers";

    private final RouterDocuments documents;
    private final RouterAdminHandler admin;
    private final RouterVersionsReader history;
    private final Predicate<String> knownModel;
    private final IngressMetrics metrics;

    RampHandler(RouterDocuments documents, RouterAdminHandler admin, RouterVersionsReader history, Predicate<String> knownModel,
                IngressMetrics metrics) {
        this.documents = documents;
        this.admin = admin;
        this.history = history;
        this.knownModel = knownModel;
        this.metrics = metrics;
    }

    void promote(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        try {
            JsonNode body = object(ctx);
            JsonNode variant = body.get("variant");
            if (variant == null || variant.isNull()) {
                variant = body.get("variant_id");
            }
            if (variant == null || variant.isNull()) {
                throw ApiException.invalid("variant", "missing_required_parameter", "Missing required parameter: 'variant' (a variant_id of the router).");
            }
            if (!variant.isTextual() || variant.asText().isBlank()) {
                throw ApiException.invalidType("variant", "a non-empty string", Json.describe(variant));
            }
            String variantId = variant.asText();
            admin.change(ctx, id, "promoted " + variantId, (current, now) -> documents.promote(current, variantId, now, null));
        } catch (ApiException e) {
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
        }
    }

    void restore(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        try {
            JsonNode version = object(ctx).get("version");
            if (version == null || version.isNull()) {
                throw ApiException.invalid("version", "missing_required_parameter", "Missing required parameter: 'version' (see GET /router/v1/routers/" + id + "/versions).");
            }
            if (!version.canConvertToLong() || !version.isIntegralNumber() || version.asLong() < 1) {
                throw ApiException.invalidType("version", "a positive integer", Json.describe(version));
            }
            long n = version.asLong();
            admin.change(ctx, id, "restored version " + n, (current, now) -> restored(current, n, now));
        } catch (ApiException e) {
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
        }
    }

    /** Runs on the admin handler's change thread: reading the history there is fine (blocking, serialised). */
    private RouterConfig restored(RouterConfig current, long n, java.time.Instant now) {
        RouterConfig target = history.versions(current.getId()).stream().filter(v -> v.getVersion() == n).findFirst()
                .orElseThrow(() -> new ApiException(404, "not_found_error", "version", "version_not_found",
                        "router '" + current.getId() + "' has no version " + n));
        if (target.getDeleted()) {
            throw ApiException.invalid("version", "invalid_value", "version " + n + " records the router's deletion; restore another.");
        }
        List<Route> routes = new ArrayList<>(target.getRoutes());
        if (target.getDefaultRoute() != null) {
            routes.add(target.getDefaultRoute());
        }
        for (Route route : routes) {
            for (Variant variant : route.getVariants()) {
                if (!knownModel.test(variant.getModelId())) {
                    throw ApiException.invalid("version", "unknown_model", "version " + n + " routes to " + variant.getModelId()
                            + ", which the model catalog no longer has.");
                }
            }
        }
        return RouterConfig.newBuilder(current)
                .setVersion(current.getVersion() + 1)
                .setRoutes(target.getRoutes())
                .setDefaultRoute(target.getDefaultRoute())
                .setFallback(target.getFallback())
                .setMetrics(target.getMetrics())
                .setUpdatedAt(now)
                .setUpdatedBy(null)
                .setDeleted(false)
                .build();
    }

    private static JsonNode object(RoutingContext ctx) {
        JsonNode body = Json.parse(ctx.body().buffer());
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object, not " + Json.describe(body) + ".");
        }
        return body;
    }
}
