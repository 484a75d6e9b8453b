package dev.switchyard.ingress.routers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.core.router.RouterValidationException;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The router admin API in Inworld's shape ({@code /router/v1/routers}). Parsing, validation, stable ids, bucket
 * allocations and rendering are router-core's {@link RouterDocuments}; every accepted change is written by
 * {@link RouterWriter}: one Kafka transaction of {@code router.configs} (current version, tombstone on delete) and
 * {@code router.versions} ({@code <id>@<version>}) per change, serialised per router across every ingress instance
 * (a change that loses a race answers 409), answered once committed and offered to the local
 * {@link RouterConfigStore} so a read right after sees it. Changes of this instance also run one at a time on a single
 * worker thread.
 */
public final class RouterAdminHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAdminHandler.class);
    public static final String ENDPOINT = "routers";

    private final RouterDocuments documents;
    private final RouterConfigStore store;
    private final RouterWriter writer;
    private final RouterVersionsReader history;
    private final WorkerExecutor changes;
    private final WorkerExecutor reads;
    private final IngressMetrics metrics;

    /**
     * @param changes a one-thread executor: router changes of this instance apply in order
     * @param reads   where history reads (blocking Kafka reads) run
     */
    public RouterAdminHandler(RouterDocuments documents, RouterConfigStore store, KafkaSettings kafka, EventSerdes serdes,
                              String clientId, RouterVersionsReader history, WorkerExecutor changes, WorkerExecutor reads,
                              IngressMetrics metrics) {
        this.documents = documents;
        this.store = store;
        this.writer = new RouterWriter(kafka, serdes, store, clientId);
        this.history = history;
        this.changes = changes;
        this.reads = reads;
        this.metrics = metrics;
    }

    // POST /router/v1/routers
    public void create(RoutingContext ctx) {
        JsonNode body;
        try {
            body = Json.parse(ctx.body().buffer());
        } catch (ApiException e) {
            fail(ctx, e);
            return;
        }
        run(ctx, changes, () -> {
            RouterConfig proposed = validated(() -> documents.create(body, Instant.now(), null));
            String id = proposed.getId();
            boolean idRequested = body.hasNonNull("name") || body.hasNonNull("id");
            RouterConfig config = writer.write(id, current -> {
                if (current.isPresent()) {
                    throw new ApiException(409, "invalid_request_error", "name", "already_exists", "router '" + id + "' already exists");
                }
                RouterConfig created = proposed;
                if (idRequested) {
                    // A router re-created under a deleted one's id continues its numbering, so router.versions keys
                    // (<id>@<version>) never collide and the old history is kept.
                    List<RouterConfig> earlier = history.versions(id);
                    if (!earlier.isEmpty()) {
                        created = RouterConfig.newBuilder(proposed).setVersion(earlier.get(earlier.size() - 1).getVersion() + 1).build();
                    }
                }
                return new RouterWriter.Write(created, created);
            }).current();
            LOG.info("router {} created (version {})", id, config.getVersion());
            return RouterDocuments.render(config);
        });
    }

    // GET /router/v1/routers
    public void list(RoutingContext ctx) {
        ObjectNode body = Json.object();
        ArrayNode routers = body.putArray("routers");
        store.all().stream().sorted(Comparator.comparing(RouterConfig::getId)).forEach(c -> routers.add(RouterDocuments.render(c)));
        ok(ctx, body);
    }

    // GET /router/v1/routers/:id
    public void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        store.get(id).ifPresentOrElse(c -> ok(ctx, RouterDocuments.render(c)), () -> fail(ctx, notFound(id)));
    }

    // PATCH /router/v1/routers/:id?update_mask=displayName,routes
    public void patch(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonNode body;
        try {
            body = Json.parse(ctx.body().buffer());
        } catch (ApiException e) {
            fail(ctx, e);
            return;
        }
        List<String> mask = new ArrayList<>();
        for (String param : List.of("update_mask", "updateMask")) {
            for (String value : ctx.queryParam(param)) {
                mask.addAll(List.of(value.split(",")));
            }
        }
        run(ctx, changes, () -> {
            RouterConfig next = writer.write(id, current -> {
                RouterConfig patched = validated(() -> documents.patch(current.orElseThrow(() -> notFound(id)), body, mask, Instant.now(), null));
                return new RouterWriter.Write(patched, patched);
            }).current();
            LOG.info("router {} patched to version {} ({})", id, next.getVersion(), mask.isEmpty() ? "fields in the body" : String.join(",", mask));
            return RouterDocuments.render(next);
        });
    }

    // DELETE /router/v1/routers/:id
    public void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        run(ctx, changes, () -> {
            RouterConfig deletion = writer.write(id, current -> {
                RouterConfig held = current.orElseThrow(() -> notFound(id));
                return new RouterWriter.Write(null, RouterConfig.newBuilder(held).setVersion(held.getVersion() + 1)
                        .setUpdatedAt(Instant.now()).setUpdatedBy(null).setDeleted(true).build());
            }).version();
            LOG.info("router {} deleted (version {})", id, deletion.getVersion());
            return Json.object();
        });
    }

    // GET /router/v1/routers/:id/versions
    public void versions(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        run(ctx, reads, () -> {
            List<RouterConfig> versions = history.versions(id);
            if (versions.isEmpty()) {
                throw notFound(id);
            }
            ObjectNode body = Json.object();
            ArrayNode items = body.putArray("versions");
            for (RouterConfig version : versions) {
                items.add(RouterDocuments.render(version).put("deleted", version.getDeleted()));
            }
            return body;
        });
    }

    /** Computes a router's next version from its current one (promote, restore); may throw {@link ApiException}. */
    @FunctionalInterface
    public interface RouterChange {
        RouterConfig next(RouterConfig current, Instant now);
    }

    /**
     * Applies a change computed from the router's current version (the experiments API's promote and restore) exactly
     * like a PATCH: on the one change thread, written by the {@link RouterWriter}, answered with the new version once
     * committed. 404 for an unknown router, 400 for a {@link RouterValidationException}.
     */
    public void change(RoutingContext ctx, String id, String what, RouterChange change) {
        run(ctx, changes, () -> {
            RouterConfig next = writer.write(id, current -> {
                RouterConfig changed = validated(() -> change.next(current.orElseThrow(() -> notFound(id)), Instant.now()));
                return new RouterWriter.Write(changed, changed);
            }).current();
            LOG.info("router {} {}: version {}", id, what, next.getVersion());
            return RouterDocuments.render(next);
        });
    }

    // ---- helpers ----

    /** Runs blocking work off the event loop and answers with its JSON or its error. */
    private void run(RoutingContext ctx, WorkerExecutor executor, Callable<ObjectNode> work) {
        executor.executeBlocking(work).onComplete(result -> {
            if (result.succeeded()) {
                ok(ctx, result.result());
            } else if (result.cause() instanceof ApiException e) {
                fail(ctx, e);
            } else {
                LOG.error("router admin {} {} failed", ctx.request().method(), ctx.request().path(), result.cause());
                fail(ctx, new ApiException(500, "api_error", null, "internal_error", "internal error: " + result.cause().getMessage()));
            }
        });
    }

    private static RouterConfig validated(java.util.function.Supplier<RouterConfig> parse) {
        try {
            return parse.get();
        } catch (RouterValidationException e) {
            throw new ApiException(400, "invalid_request_error", e.field(), "invalid_router", e.getMessage());
        }
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "not_found_error", null, "router_not_found", "router '" + id + "' not found");
    }

    private void ok(RoutingContext ctx, JsonNode body) {
        metrics.request(ENDPOINT, "200");
        Json.send(ctx, 200, body);
    }

    private void fail(RoutingContext ctx, ApiException e) {
        OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
    }
}
