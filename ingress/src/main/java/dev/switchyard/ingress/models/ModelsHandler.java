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
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: every catalog model by its {@code provider/model} id and
 * every router as {@code router/<id>} (what a client puts in {@code model} to use it). OpenAI's list shape by default;
 * Anthropic's ({@code {"data":[{"type":"model","id","display_name","created_at"}],"has_more","first_id","last_id"}},
 * paged with {@code limit}, {@code after_id} and {@code before_id}) when the client sends {@code anthropic-version}, as
 * Anthropic's SDKs do.
 */
public final class ModelsHandler {
    private final ModelCatalog catalog;
    private final RouterConfigStore routers;
    private final long catalogCreated = Instant.now().getEpochSecond();

    public ModelsHandler(ModelCatalog catalog, RouterConfigStore routers) {
        this.catalog = catalog;
        this.routers = routers;
    }

    private record Entry(String id, String ownedBy, long created) {
    }

    private List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        catalog.all().stream().sorted(Comparator.comparing(CatalogModel::id))
                .forEach(model -> entries.add(new Entry(model.id(), model.provider(), catalogCreated)));
        routers.all().stream().sorted(Comparator.comparing(RouterConfig::getId))
                .forEach(router -> entries.add(new Entry("router/" + router.getId(), "switchyard", router.getCreatedAt().getEpochSecond())));
        return entries;
    }

    public void handle(RoutingContext ctx) {
        boolean anthropic = isAnthropic(ctx);
        ObjectNode body = Json.object();
        ArrayNode data = Json.MAPPER.createArrayNode();
        List<Entry> entries = entries();
        if (anthropic) {
            // Anthropic's list is paged: limit (default 20, at most 1000), after_id / before_id; its SDKs page until empty.
            List<Entry> page = page(entries, ctx.request().getParam("after_id"), ctx.request().getParam("before_id"),
                    limit(ctx.request().getParam("limit")));
            page.forEach(e -> data.add(anthropic(e)));
            body.set("data", data);
            boolean more = !page.isEmpty() && (ctx.request().getParam("before_id") != null
                    ? !entries.get(0).id().equals(page.get(0).id())
                    : !entries.get(entries.size() - 1).id().equals(page.get(page.size() - 1).id()));
            body.put("has_more", more);
            body.put("first_id", page.isEmpty() ? null : page.get(0).id());
            body.put("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
        } else {
            entries.forEach(e -> data.add(openAi(e)));
            body.put("object", "list");
            body.set("data", data);
        }
        Json.send(ctx, 200, body);
    }

    private static int limit(String value) {
        try {
            return value == null ? 20 : Math.max(1, Math.min(1000, Integer.parseInt(value)));
        } catch (NumberFormatException e) {
            return 20;
        }
    }

    /** The entries after {@code afterId} (or before {@code beforeId}), at most {@code limit} of them. */
    private static List<Entry> page(List<Entry> entries, String afterId, String beforeId, int limit) {
        int from = 0;
        int to = entries.size();
        if (afterId != null) {
            int at = indexOf(entries, afterId);
            from = at < 0 ? entries.size() : at + 1;
        }
        if (beforeId != null) {
            int at = indexOf(entries, beforeId);
            to = at < 0 ? 0 : at;
            from = Math.max(from, to - limit);
        }
        return entries.subList(Math.min(from, to), Math.min(to, from + limit));
    }

    private static int indexOf(List<Entry> entries, String id) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** One model or router; the id may contain slashes ({@code openai/gpt-5.2}, {@code router/support}). */
    public void get(RoutingContext ctx) {
        String path = ctx.request().path();
        // SDKs percent-encode the slash of provider/model ids.
        String id = java.net.URLDecoder.decode(path.substring(path.indexOf("/models/") + "/models/".length()),
                java.nio.charset.StandardCharsets.UTF_8);
        Optional<Entry> entry = entries().stream().filter(e -> e.id().equals(id)).findFirst();
        if (entry.isEmpty()) {
            entry = catalog.find(id).map(m -> new Entry(m.id(), m.provider(), catalogCreated));
        }
        if (entry.isEmpty()) {
            ObjectNode error = Json.object();
            if (isAnthropic(ctx)) {
                error.put("type", "error").putObject("error").put("type", "not_found_error").put("message", "model: " + id);
            } else {
                error.putObject("error").put("message", "The model '" + id + "' does not exist").put("type", "invalid_request_error")
                        .put("param", "model").put("code", "model_not_found");
            }
            Json.send(ctx, 404, error);
            return;
        }
        Json.send(ctx, 200, isAnthropic(ctx) ? anthropic(entry.get()) : openAi(entry.get()));
    }

    private static boolean isAnthropic(RoutingContext ctx) {
        return ctx.request().getHeader("anthropic-version") != null;
    }

    private static ObjectNode openAi(Entry e) {
        return Json.object().put("id", e.id()).put("object", "model").put("created", e.created()).put("owned_by", e.ownedBy());
    }

    private static ObjectNode anthropic(Entry e) {
        return Json.object().put("type", "model").put("id", e.id()).put("display_name", e.id())
                .put("created_at", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(e.created())));
    }
}
