package dev.switchyard.ingress.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.core.router.RouterValidationException;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import dev.switchyard.ingress.routers.RouterAdminHandler;
import dev.switchyard.ingress.routers.RouterVersionsReader;
import dev.switchyard.metrics.report.ExperimentReport;
import dev.switchyard.metrics.report.ExperimentReports;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The ramp actions of an experiment, applied like a PATCH (a new router version on router.configs and
 * router.versions, answered with the rendered router):
 * <ul>
 *   <li>{@code POST /router/v1/routers/{id}:promote {"route": "<route_id>", "variant": "<variant_id>", "from"?, "to"?,
 *       "force"?}}: that variant gets 100 % of that route, the route's other variants 0, no other route changes
 *       (router-core's {@link RouterDocuments#promote}). Variant ids are unique only within a route: without
 *       {@code route} the variant must be in exactly one route (else 400 naming the routes). Unless
 *       {@code "force": true}, the experiment report over {@code from}/{@code to} (as for the report; default the
 *       last 7 days) must back it: the variant's verdict on the router's primary metric (its first) is
 *       {@code winner}, the route has no sample-ratio mismatch and its weights did not change within the range;
 *       otherwise 409 {@code not_a_winner}, {@code sample_ratio_mismatch} or {@code mixed_phases} (503
 *       {@code reports_unavailable} without ClickHouse). The report is read for
 *       the router's current version; if another change lands before the promotion, 409 {@code concurrent_change}.</li>
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
    private final ReportHandler reports;
    private final Predicate<String> knownModel;
    private final IngressMetrics metrics;

    RampHandler(RouterDocuments documents, RouterAdminHandler admin, RouterVersionsReader history, ReportHandler reports,
                Predicate<String> knownModel, IngressMetrics metrics) {
        this.documents = documents;
        this.admin = admin;
        this.history = history;
        this.reports = reports;
        this.knownModel = knownModel;
        this.metrics = metrics;
    }

    void promote(RoutingContext ctx) {
        try {
            JsonNode body = object(ctx);
            String variantId = text(body, true, "variant", "variant_id");
            String requestedRoute = text(body, false, "route", "route_id");
            JsonNode force = body.get("force");
            if (force != null && !force.isNull() && !force.isBoolean()) {
                throw ApiException.invalidType("force", "a boolean", Json.describe(force));
            }
            RouterConfig router = reports.router(ctx);
            String routeId;
            try {
                routeId = RouterDocuments.routeOf(router, requestedRoute, variantId);
            } catch (RouterValidationException e) {
                throw ApiException.invalid(e.field(), "invalid_value", e.getMessage());
            }
            String id = router.getId();
            TimeRange range = TimeRange.parse(text(body, false, "from"), text(body, false, "to"), Instant.now());
            if (force != null && force.asBoolean()) {
                admin.change(ctx, id, "promoted " + variantId + " in route " + routeId + " (forced)",
                        (current, now) -> documents.promote(current, routeId, variantId, now, null));
                return;
            }
            if (!reports.available()) {
                throw new ApiException(503, "api_error", null, "reports_unavailable", "Promoting checks the experiment "
                        + "report, which needs ClickHouse, and this ingress has none configured (set CLICKHOUSE_URL); "
                        + "send \"force\": true to promote without the check.");
            }
            String metric = ExperimentReports.primaryMetric(router);
            reports.read(ctx, ENDPOINT, () -> reports.reportOf(router, range, metric), report -> {
                ExperimentReport.Objection objection = report.promotionObjection(routeId, variantId, metric);
                if (objection != null) {
                    throw new ApiException(409, "invalid_request_error", "variant", objection.code(), objection.message());
                }
                admin.change(ctx, id, "promoted " + variantId + " in route " + routeId, (current, now) -> {
                    if (current.getVersion() != router.getVersion()) {
                        throw new ApiException(409, "invalid_request_error", null, "concurrent_change", "Router '" + id
                                + "' changed (now version " + current.getVersion() + ") after its report was checked for version "
                                + router.getVersion() + "; read the report again and retry.");
                    }
                    return documents.promote(current, routeId, variantId, now, null);
                });
            });
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
    private RouterConfig restored(RouterConfig current, long n, Instant now) {
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

    /** The first of {@code names} present in {@code body} as a non-empty string; null when absent and optional. */
    private static String text(JsonNode body, boolean required, String... names) {
        JsonNode value = null;
        for (String name : names) {
            value = body.get(name);
            if (value != null && !value.isNull()) {
                break;
            }
        }
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.invalid(names[0], "missing_required_parameter", "Missing required parameter: '" + names[0] + "'.");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiException.invalidType(names[0], "a non-empty string", Json.describe(value));
        }
        return value.asText();
    }

    private static JsonNode object(RoutingContext ctx) {
        JsonNode body = Json.parse(ctx.body().buffer());
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object, not " + Json.describe(body) + ".");
        }
        return body;
    }
}
