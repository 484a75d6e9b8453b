package dev.switchyard.ingress.experiments;

import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.openai.OpenAiErrors;
import dev.switchyard.ingress.routers.RouterVersionsReader;
import dev.switchyard.metrics.clickhouse.ClickHouseException;
import dev.switchyard.metrics.report.ExperimentReport;
import dev.switchyard.metrics.report.ExperimentReports;
import dev.switchyard.metrics.report.VariantTimeseries;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code GET /router/v1/routers/{id}/report} (metrics-streams' {@link ExperimentReports}) and
 * {@code GET /router/v1/routers/{id}/timeseries} ({@link VariantTimeseries}): read from ClickHouse on worker threads.
 * The router is the current version from the store (its weights and metric declarations frame the report), its
 * history from router.versions (the weights each version in the request log was served with).
 * Without a configured ClickHouse both answer 503 {@code reports_unavailable}.
 */
final class ReportHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReportHandler.class);
    static final String ENDPOINT = "reports";

    private final RouterConfigStore store;
    private final RouterVersionsReader history;
    private final ExperimentReports reports;       // null: no ClickHouse configured
    private final VariantTimeseries timeseries;    // null: no ClickHouse configured
    private final WorkerExecutor workers;
    private final IngressMetrics metrics;

    ReportHandler(RouterConfigStore store, RouterVersionsReader history, ExperimentReports reports, VariantTimeseries timeseries,
                  WorkerExecutor workers, IngressMetrics metrics) {
        this.store = store;
        this.history = history;
        this.reports = reports;
        this.timeseries = timeseries;
        this.workers = workers;
        this.metrics = metrics;
    }

    // GET /router/v1/routers/:id/report?from=&to=&metric=
    void report(RoutingContext ctx) {
        try {
            RouterConfig router = router(ctx);
            TimeRange range = TimeRange.parse(ctx.request().getParam("from"), ctx.request().getParam("to"), Instant.now());
            String metric = blankToNull(ctx.request().getParam("metric"));
            if (metric != null && router.getMetrics().stream().noneMatch(m -> m.getName().equals(metric))) {
                throw ApiException.invalid("metric", "unknown_metric", "Router '" + router.getId() + "' declares no metric '" + metric + "'.");
            }
            requireClickHouse();
            read(ctx, ENDPOINT, () -> reportOf(router, range, metric).json(), json -> ok(ctx, json));
        } catch (ApiException e) {
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
        }
    }

    // GET /router/v1/routers/:id/timeseries?from=&to=&window=60|3600|1m|1h
    void timeseries(RoutingContext ctx) {
        try {
            RouterConfig router = router(ctx);
            TimeRange range = TimeRange.parse(ctx.request().getParam("from"), ctx.request().getParam("to"), Instant.now());
            int window = window(ctx.request().getParam("window"), range);
            requireClickHouse();
            read(ctx, ENDPOINT, () -> timeseries.query(router.getId(), range.from(), range.to(), window).json(), json -> ok(ctx, json));
        } catch (ApiException e) {
            OpenAiErrors.send(ctx, e, metrics, ENDPOINT);
        }
    }

    /** The current version of the router the path names; 404 when there is none. */
    RouterConfig router(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return store.get(id).orElseThrow(() -> new ApiException(404, "not_found_error", null, "router_not_found",
                "router '" + id + "' not found"));
    }

    /** Whether reports can be read (a ClickHouse endpoint is configured). */
    boolean available() {
        return reports != null;
    }

    /**
     * The report of {@code router} (blocking: run it through {@link #read}), with its version history from
     * router.versions, so that each router version in the range counts with the weights it had; when the history
     * cannot be read, every version counts with the current weights (logged).
     */
    ExperimentReport reportOf(RouterConfig router, TimeRange range, String metric) {
        List<RouterConfig> versions;
        try {
            versions = history.versions(router.getId());
        } catch (RuntimeException e) {
            LOG.warn("router {}: no version history for its report ({}); every version counts with the current weights",
                    router.getId(), e.toString());
            versions = List.of(router);
        }
        return reports.report(router, versions, range.from(), range.to(), metric);
    }

    private void requireClickHouse() {
        if (reports == null) {
            throw new ApiException(503, "api_error", null, "reports_unavailable",
                    "Experiment reports need ClickHouse, and this ingress has none configured: set CLICKHOUSE_URL "
                            + "(./switchyard up starts ClickHouse and sets it).");
        }
    }

    private static int window(String value, TimeRange range) {
        if (value == null || value.isBlank()) {
            return VariantTimeseries.windowFor(range.from(), range.to());
        }
        return switch (value.trim()) {
            case "60", "60s", "1m" -> 60;
            case "3600", "3600s", "60m", "1h" -> 3600;
            default -> throw ApiException.invalid("window", "invalid_value", "'window' must be 1m (60) or 1h (3600), not '" + value + "'.");
        };
    }

    private void ok(RoutingContext ctx, String json) {
        metrics.request(ENDPOINT, "200");
        ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(json);
    }

    /**
     * Runs a blocking ClickHouse read off the event loop and hands its result to {@code then} (on the event loop);
     * answers a failed read, or an {@link ApiException} from {@code then}, as an error counted under {@code endpoint}.
     */
    <T> void read(RoutingContext ctx, String endpoint, Callable<T> query, Consumer<T> then) {
        workers.executeBlocking(query).onComplete(result -> {
            if (result.succeeded()) {
                try {
                    then.accept(result.result());
                } catch (ApiException e) {
                    OpenAiErrors.send(ctx, e, metrics, endpoint);
                }
            } else if (result.cause() instanceof IllegalArgumentException e) {
                OpenAiErrors.send(ctx, ApiException.invalid(null, "invalid_value", e.getMessage()), metrics, endpoint);
            } else if (result.cause() instanceof ClickHouseException e) {
                LOG.warn("report query failed: {}", e.getMessage());
                OpenAiErrors.send(ctx, new ApiException(503, "api_error", null, "clickhouse_unavailable",
                        "The report could not be read from ClickHouse: " + e.getMessage()), metrics, endpoint);
            } else {
                LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), result.cause());
                OpenAiErrors.send(ctx, new ApiException(500, "api_error", null, "internal_error",
                        "internal error: " + result.cause().getMessage()), metrics, endpoint);
            }
        });
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
