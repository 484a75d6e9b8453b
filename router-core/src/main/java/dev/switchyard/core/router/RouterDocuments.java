package dev.switchyard.core.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.allocation.BucketAllocator;
import dev.switchyard.core.cel.ConditionCompiler;
import dev.switchyard.core.cel.InvalidConditionException;
import dev.switchyard.events.BucketRange;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns the router API's JSON (Inworld's shape: {@code displayName}, {@code routes[].condition.cel_expression},
 * {@code routes[].route.variants[].variant.model_id|modelId}, {@code weight}, {@code defaultRoute}) into validated
 * {@link RouterConfig} versions and back. Routes and variants keep stable ids across PATCHes: a PATCH body without
 * ids matches routes by identical {@code cel_expression} and variants by model within their route; what matches
 * keeps its id and its sticky buckets, the rest get new ids.
 */
public final class RouterDocuments {
    public static final Set<String> PATCHABLE_FIELDS = Set.of("displayName", "routes", "defaultRoute", "fallback", "metrics");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Function<String, Optional<String>> catalogId;

    /**
     * @param catalogId the catalog id a model name stands for, empty when the catalog has none: routers may name
     *                  models as requests do ({@code gpt-5.2}, a dated id, an alias) and are stored with catalog ids,
     *                  so that reports, headers and Completions name a model one way
     */
    public RouterDocuments(Function<String, Optional<String>> catalogId) {
        this.catalogId = catalogId;
    }

    /** A new router, version 1, from a create body. Its id comes from {@code name: "routers/<id>"} or {@code id}, else is generated. */
    public RouterConfig create(JsonNode body, Instant now, String actor) {
        requireObject(body);
        String id = requestedId(body);
        RouterConfig config = RouterConfig.newBuilder()
                .setId(id != null ? id : newId(""))
                .setVersion(1)
                .setDisplayName(text(body, "displayName", "display_name"))
                .setRoutes(parseRoutes(FallbackPolicies.first(body, "routes"), List.of()))
                .setDefaultRoute(parseDefaultRoute(FallbackPolicies.first(body, "defaultRoute", "default_route"), null))
                .setFallback(FallbackPolicies.parse(body.get("fallback"), "fallback", catalogId))
                .setMetrics(parseMetrics(body.get("metrics")))
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .setUpdatedBy(actor)
                .setDeleted(false)
                .build();
        requireSomeRoute(config);
        return config;
    }

    /**
     * The next version of {@code current}: the fields named in {@code updateMask} are taken from {@code body} (a field
     * named but absent from the body is cleared). An empty mask means every patchable field present in the body.
     */
    public RouterConfig patch(RouterConfig current, JsonNode body, List<String> updateMask, Instant now, String actor) {
        requireObject(body);
        List<String> mask = new ArrayList<>();
        for (String path : updateMask) {
            String field = canonicalField(path.trim());
            if (!field.isEmpty()) {
                mask.add(field);
            }
        }
        if (mask.isEmpty()) {
            for (String field : PATCHABLE_FIELDS) {
                if (body.has(field) || body.has(snake(field))) {
                    mask.add(field);
                }
            }
        }
        if (mask.isEmpty()) {
            throw new RouterValidationException("update_mask", "nothing to update: name fields in update_mask ("
                    + String.join(",", new java.util.TreeSet<>(PATCHABLE_FIELDS)) + ") or send them in the body");
        }
        RouterConfig.Builder next = RouterConfig.newBuilder(current)
                .setVersion(current.getVersion() + 1)
                .setUpdatedAt(now)
                .setUpdatedBy(actor)
                .setDeleted(false);
        for (String field : mask) {
            JsonNode value = FallbackPolicies.first(body, field, snake(field));
            switch (field) {
                case "displayName" -> next.setDisplayName(value == null || value.isNull() ? null : value.asText());
                case "routes" -> next.setRoutes(parseRoutes(value, current.getRoutes()));
                case "defaultRoute" -> next.setDefaultRoute(parseDefaultRoute(value, current.getDefaultRoute()));
                case "fallback" -> next.setFallback(FallbackPolicies.parse(value, "fallback", catalogId));
                case "metrics" -> next.setMetrics(parseMetrics(value));
                default -> throw new IllegalStateException(field);
            }
        }
        RouterConfig config = next.build();
        requireSomeRoute(config);
        return config;
    }

    /**
     * The next version of {@code current} with {@code variantId} at 100 % of route {@code routeId} (its other
     * variants at 0); no other route changes. Variant ids are unique only within a route: {@code routeId} null means
     * the one route that has {@code variantId} (see {@link #routeOf}).
     *
     * @throws RouterValidationException for an unknown route or variant, or an ambiguous variant without a route
     */
    public RouterConfig promote(RouterConfig current, String routeId, String variantId, Instant now, String actor) {
        String target = routeOf(current, routeId, variantId);
        List<Route> routes = new ArrayList<>();
        for (Route route : current.getRoutes()) {
            routes.add(route.getRouteId().equals(target) ? promoteIn(route, variantId) : route);
        }
        Route defaultRoute = current.getDefaultRoute();
        if (defaultRoute != null && defaultRoute.getRouteId().equals(target)) {
            defaultRoute = promoteIn(defaultRoute, variantId);
        }
        return RouterConfig.newBuilder(current).setVersion(current.getVersion() + 1).setRoutes(routes)
                .setDefaultRoute(defaultRoute).setUpdatedAt(now).setUpdatedBy(actor).setDeleted(false).build();
    }

    /**
     * The id of the route of {@code config} whose variant {@code variantId} is meant: {@code routeId} itself when it
     * names a route (routes and the default route) that has the variant; when {@code routeId} is null, the only route
     * that has it.
     *
     * @throws RouterValidationException (field {@code route} or {@code variant}) for an unknown route, a variant the
     *                                   route lacks, an unknown variant, or a variant in several routes without a route
     */
    public static String routeOf(RouterConfig config, String routeId, String variantId) {
        List<Route> all = new ArrayList<>(config.getRoutes());
        if (config.getDefaultRoute() != null) {
            all.add(config.getDefaultRoute());
        }
        if (routeId != null) {
            Route route = all.stream().filter(r -> r.getRouteId().equals(routeId)).findFirst()
                    .orElseThrow(() -> new RouterValidationException("route", "no route '" + routeId + "' in router "
                            + config.getId() + " (routes: " + String.join(", ", all.stream().map(Route::getRouteId).toList()) + ")"));
            if (route.getVariants().stream().noneMatch(v -> v.getVariantId().equals(variantId))) {
                throw new RouterValidationException("variant", "route '" + routeId + "' of router " + config.getId()
                        + " has no variant '" + variantId + "'");
            }
            return routeId;
        }
        List<String> with = all.stream()
                .filter(r -> r.getVariants().stream().anyMatch(v -> v.getVariantId().equals(variantId)))
                .map(Route::getRouteId).toList();
        if (with.isEmpty()) {
            throw new RouterValidationException("variant", "no variant '" + variantId + "' in router " + config.getId());
        }
        if (with.size() > 1) {
            throw new RouterValidationException("route", "variant '" + variantId + "' is in several routes of router "
                    + config.getId() + " (" + String.join(", ", with) + "): name the route");
        }
        return with.get(0);
    }

    /** The API's view of a router version. */
    public static ObjectNode render(RouterConfig config) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", "routers/" + config.getId());
        node.put("id", config.getId());
        if (config.getDisplayName() != null) {
            node.put("displayName", config.getDisplayName());
        }
        ArrayNode routes = node.putArray("routes");
        for (Route route : config.getRoutes()) {
            ObjectNode item = routes.addObject();
            item.putObject("condition").put("cel_expression", route.getCelExpression());
            item.set("route", renderRoute(route));
        }
        if (config.getDefaultRoute() != null) {
            node.set("defaultRoute", renderRoute(config.getDefaultRoute()));
        }
        if (config.getFallback() != null) {
            node.set("fallback", FallbackPolicies.render(config.getFallback()));
        }
        ArrayNode metrics = node.putArray("metrics");
        for (MetricDefinition metric : config.getMetrics()) {
            ObjectNode m = metrics.addObject();
            m.put("name", metric.getName());
            m.put("kind", metric.getKind().name().toLowerCase(Locale.ROOT));
            m.put("direction", metric.getDirection().name().toLowerCase(Locale.ROOT));
            if (metric.getRetentionDays() != null) {
                m.put("retention_days", metric.getRetentionDays());
            }
        }
        node.put("version", config.getVersion());
        node.put("createTime", config.getCreatedAt().toString());
        node.put("updateTime", config.getUpdatedAt().toString());
        if (config.getUpdatedBy() != null) {
            node.put("updatedBy", config.getUpdatedBy());
        }
        return node;
    }

    private static ObjectNode renderRoute(Route route) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("route_id", route.getRouteId());
        ArrayNode variants = node.putArray("variants");
        for (Variant variant : route.getVariants()) {
            ObjectNode item = variants.addObject();
            item.putObject("variant").put("variant_id", variant.getVariantId()).put("model_id", variant.getModelId());
            item.put("weight", variant.getWeight());
        }
        return node;
    }

    // ---- parsing ----

    private List<Route> parseRoutes(JsonNode node, List<Route> previous) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RouterValidationException("routes", "must be an array");
        }
        List<Route> unmatched = new ArrayList<>(previous);
        Set<String> claimed = claimedIds(node, "route", "route_id", "routeId");
        List<Route> routes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "routes[" + i + "]";
            JsonNode item = node.get(i);
            requireObject(item, field);
            JsonNode condition = item.get("condition");
            String expression = condition == null ? null
                    : text(condition, "cel_expression", "celExpression");
            if (expression == null || expression.isBlank()) {
                throw new RouterValidationException(field + ".condition.cel_expression", "is required on every route (use defaultRoute for the rest)");
            }
            try {
                ConditionCompiler.compile(expression);
            } catch (InvalidConditionException e) {
                throw new RouterValidationException(field + ".condition.cel_expression", e.getMessage());
            }
            JsonNode body = item.has("route") ? item.get("route") : item;
            requireObject(body, field + ".route");
            String requestedId = optionalId(firstText(body, item, "route_id", "routeId"), field + ".route.route_id");
            Route match = matchRoute(unmatched, requestedId, expression, claimed);
            unmatched.remove(match);
            Route route = buildRoute(body, field + ".route", requestedId, expression, match);
            if (!ids.add(route.getRouteId())) {
                throw new RouterValidationException(field + ".route.route_id", "duplicate route id '" + route.getRouteId() + "'");
            }
            routes.add(route);
        }
        return routes;
    }

    private Route parseDefaultRoute(JsonNode node, Route previous) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, "defaultRoute");
        JsonNode body = node.has("route") ? node.get("route") : node;
        String requestedId = optionalId(firstText(body, node, "route_id", "routeId"), "defaultRoute.route_id");
        Route match = previous != null && (requestedId == null || requestedId.equals(previous.getRouteId())) ? previous : null;
        return buildRoute(body, "defaultRoute", requestedId, null, match);
    }

    /**
     * The previous route this one continues: the one it names, else one with the same expression that no route of the
     * body names (a route that names its id keeps it even when an id-less one repeats its old expression).
     */
    private static Route matchRoute(List<Route> candidates, String requestedId, String expression, Set<String> claimed) {
        for (Route route : candidates) {
            if (requestedId != null ? route.getRouteId().equals(requestedId)
                    : !claimed.contains(route.getRouteId()) && expression.equals(route.getCelExpression())) {
                return route;
            }
        }
        return null;
    }

    /** The ids the items of {@code array} name explicitly (in {@code wrapper} or the item itself). */
    private static Set<String> claimedIds(JsonNode array, String wrapper, String... names) {
        Set<String> claimed = new HashSet<>();
        for (JsonNode item : array) {
            if (item.isObject()) {
                JsonNode body = item.has(wrapper) && item.get(wrapper).isObject() ? item.get(wrapper) : item;
                String id = firstText(body, item, names);
                if (id != null) {
                    claimed.add(id);
                }
            }
        }
        return claimed;
    }

    private Route buildRoute(JsonNode body, String field, String requestedId, String expression, Route previous) {
        JsonNode variantsNode = body.get("variants");
        if (variantsNode == null || !variantsNode.isArray() || variantsNode.isEmpty()) {
            throw new RouterValidationException(field + ".variants", "must be a non-empty array");
        }
        List<Variant> unmatched = previous == null ? new ArrayList<>() : new ArrayList<>(previous.getVariants());
        Set<String> claimed = claimedIds(variantsNode, "variant", "variant_id", "variantId");
        List<Variant> variants = new ArrayList<>();
        Map<String, Integer> weights = new LinkedHashMap<>();
        int sum = 0;
        for (int i = 0; i < variantsNode.size(); i++) {
            String vField = field + ".variants[" + i + "]";
            JsonNode item = variantsNode.get(i);
            requireObject(item, vField);
            JsonNode variantBody = item.has("variant") ? item.get("variant") : item;
            requireObject(variantBody, vField + ".variant");
            String modelName = text(variantBody, "model_id", "modelId");
            if (modelName == null || modelName.isBlank()) {
                throw new RouterValidationException(vField + ".variant.model_id", "is required");
            }
            String modelId = catalogId.apply(modelName).orElseThrow(() -> new RouterValidationException(
                    vField + ".variant.model_id", "unknown model '" + modelName + "' (not in the model catalog; add it with a catalog file)"));
            JsonNode weightNode = FallbackPolicies.first(item, "weight");
            if (weightNode == null || !weightNode.isIntegralNumber() || weightNode.asInt() < 0 || weightNode.asInt() > 100) {
                throw new RouterValidationException(vField + ".weight", "must be an integer from 0 to 100");
            }
            int weight = weightNode.asInt();
            String requestedVariantId = optionalId(firstText(variantBody, item, "variant_id", "variantId"), vField + ".variant.variant_id");
            Variant match = null;
            for (Variant candidate : unmatched) {
                if (requestedVariantId != null ? candidate.getVariantId().equals(requestedVariantId)
                        : !claimed.contains(candidate.getVariantId()) && candidate.getModelId().equals(modelId)) {
                    match = candidate;
                    break;
                }
            }
            unmatched.remove(match);
            String variantId = requestedVariantId != null ? requestedVariantId : match != null ? match.getVariantId() : newId("v-");
            if (weights.containsKey(variantId)) {
                throw new RouterValidationException(vField + ".variant.variant_id", "duplicate variant id '" + variantId + "'");
            }
            weights.put(variantId, weight);
            variants.add(new Variant(variantId, modelId, weight));
            sum += weight;
        }
        if (sum != 100) {
            throw new RouterValidationException(field + ".variants", "weights must sum to 100, they sum to " + sum);
        }
        String routeId = requestedId != null ? requestedId : previous != null ? previous.getRouteId() : newId("r-");
        List<BucketRange> allocation = previous == null ? BucketAllocator.initial(weights)
                : BucketAllocator.rebalance(previous.getAllocation(), weights);
        return new Route(routeId, expression, variants, allocation);
    }

    private static List<MetricDefinition> parseMetrics(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new RouterValidationException("metrics", "must be an array of {name, kind, direction}");
        }
        List<MetricDefinition> metrics = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "metrics[" + i + "]";
            JsonNode item = node.get(i);
            requireObject(item, field);
            String name = text(item, "name");
            if (name == null || !ID.matcher(name).matches()) {
                throw new RouterValidationException(field + ".name", "must be a name of letters, digits, '_', '.', '-'");
            }
            if (!names.add(name)) {
                throw new RouterValidationException(field + ".name", "duplicate metric '" + name + "'");
            }
            MetricKind kind = enumValue(MetricKind.class, text(item, "kind"), field + ".kind");
            String directionText = text(item, "direction");
            MetricDirection direction = directionText == null ? MetricDirection.INCREASE
                    : enumValue(MetricDirection.class, directionText, field + ".direction");
            Integer retentionDays = null;
            if (kind == MetricKind.RETENTION) {
                JsonNode days = FallbackPolicies.first(item, "retention_days", "retentionDays");
                retentionDays = days == null ? 7 : days.asInt(-1);
                if (retentionDays < 1 || retentionDays > 365) {
                    throw new RouterValidationException(field + ".retention_days", "must be from 1 to 365");
                }
            }
            metrics.add(new MetricDefinition(name, kind, direction, retentionDays));
        }
        return metrics;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        if (value != null) {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new RouterValidationException(field, "must be one of " + allowed + ", got " + value);
    }

    // ---- helpers ----

    private static void requireSomeRoute(RouterConfig config) {
        if (config.getRoutes().isEmpty() && config.getDefaultRoute() == null) {
            throw new RouterValidationException("routes", "a router needs at least one route or a defaultRoute");
        }
    }

    private static Route promoteIn(Route route, String variantId) {
        List<Variant> variants = new ArrayList<>();
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (Variant variant : route.getVariants()) {
            int weight = variant.getVariantId().equals(variantId) ? 100 : 0;
            variants.add(new Variant(variant.getVariantId(), variant.getModelId(), weight));
            weights.put(variant.getVariantId(), weight);
        }
        return new Route(route.getRouteId(), route.getCelExpression(), variants,
                BucketAllocator.rebalance(route.getAllocation(), weights));
    }

    private static String requestedId(JsonNode body) {
        String name = text(body, "name");
        String id = name != null ? (name.startsWith("routers/") ? name.substring("routers/".length()) : name) : text(body, "id");
        return optionalId(id, name != null ? "name" : "id");
    }

    private static String optionalId(String id, String field) {
        if (id == null) {
            return null;
        }
        if (!ID.matcher(id).matches()) {
            throw new RouterValidationException(field, "'" + id + "' is not a valid id (letters, digits, '_', '.', '-'; at most 64)");
        }
        return id;
    }

    private static String canonicalField(String path) {
        for (String field : PATCHABLE_FIELDS) {
            if (field.equals(path) || snake(field).equals(path)) {
                return field;
            }
        }
        if (path.isEmpty()) {
            return path;
        }
        throw new RouterValidationException("update_mask", "'" + path + "' is not an updatable field (one of "
                + String.join(", ", new java.util.TreeSet<>(PATCHABLE_FIELDS)) + ")");
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }

    private static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 10; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static String firstText(JsonNode primary, JsonNode secondary, String... names) {
        String value = text(primary, names);
        return value != null ? value : text(secondary, names);
    }

    private static String text(JsonNode node, String... names) {
        JsonNode value = FallbackPolicies.first(node, names);
        return value == null || value.isNull() ? null : value.isTextual() ? value.asText() : value.toString();
    }

    private static void requireObject(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new RouterValidationException("body", "must be a JSON object");
        }
    }

    private static void requireObject(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw new RouterValidationException(field, "must be an object");
        }
    }
}
