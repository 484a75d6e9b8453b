package dev.switchyard.engine.routing;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.cel.ConditionVariables;
import dev.switchyard.core.router.FallbackPolicies;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides where a request goes: for {@code router/<id>} (or {@code inworld/<id>}) the first route whose condition
 * holds (else the default route), a sticky weighted variant and the fallback chain; for a direct
 * {@code provider/model}, that model. Pure logic: the Kafka side lives in the pipeline package.
 */
public final class RequestRouter {
    private static final List<String> ROUTER_PREFIXES = List.of("router/", "inworld/");

    private final ModelCatalog catalog;
    private final Function<String, CompiledRouter> routers;

    /** @param routers the compiled current version of a router by id, or null when unknown */
    public RequestRouter(ModelCatalog catalog, Function<String, CompiledRouter> routers) {
        this.catalog = catalog;
        this.routers = routers;
    }

    /** The router id named by {@code model}, or null when it names a model. */
    public static String routerIdOf(String model) {
        for (String prefix : ROUTER_PREFIXES) {
            if (model.startsWith(prefix) && model.length() > prefix.length()) {
                return model.substring(prefix.length());
            }
        }
        return null;
    }

    public RoutingDecision route(ChatRequest request, Instant now) {
        String routerId = routerIdOf(request.getModel());
        if (routerId == null) {
            return routeDirect(request, now);
        }
        CompiledRouter router = routers.apply(routerId);
        if (router == null) {
            return new RoutingDecision.AwaitingRouter(routerId);
        }
        RouterConfig config = router.config();
        Map<String, Object> variables = ConditionVariables.of(request.getMetadata(), RequestFacts.of(request));
        Route route = router.selectRoute(variables);
        if (route == null) {
            return new RoutingDecision.Rejected(error(400, "invalid_request_error", "no_route_matched",
                    "no route of router '" + routerId + "' matches this request's metadata and the router has no defaultRoute"));
        }
        Variant variant = VariantChooser.choose(routerId, route, request.getUserId());
        FallbackPolicy policy = FallbackPolicies.merge(config.getFallback(), request.getFallback());
        List<Candidate> candidates = FallbackChain.of(variant, route, policy.getModels());
        return new RoutingDecision.Routed(Dispatch.newBuilder()
                .setRequest(request)
                .setRouterId(routerId)
                .setRouterVersion(config.getVersion())
                .setRouteId(route.getRouteId())
                .setVariantId(variant.getVariantId())
                .setCandidates(candidates)
                .setFallback(policy)
                .setDispatchedAt(now)
                .build());
    }

    private RoutingDecision routeDirect(ChatRequest request, Instant now) {
        String modelId = catalog.find(request.getModel()).map(m -> m.id()).orElse(null);
        if (modelId == null) {
            return new RoutingDecision.Rejected(error(404, "invalid_request_error", "model_not_found",
                    "The model '" + request.getModel() + "' does not exist: name a catalog model as provider/model, or a router as router/<id>"));
        }
        FallbackPolicy policy = FallbackPolicies.merge(null, request.getFallback());
        return new RoutingDecision.Routed(Dispatch.newBuilder()
                .setRequest(request)
                .setCandidates(FallbackChain.direct(modelId, policy.getModels()))
                .setFallback(policy)
                .setDispatchedAt(now)
                .build());
    }

    public static ReplyError routerNotFound(String routerId) {
        return error(404, "invalid_request_error", "router_not_found", "router '" + routerId + "' does not exist");
    }

    static ReplyError error(int status, String type, String code, String message) {
        return ReplyError.newBuilder().setStatus(status).setType(type).setCode(code).setParam("model").setMessage(message).build();
    }
}
