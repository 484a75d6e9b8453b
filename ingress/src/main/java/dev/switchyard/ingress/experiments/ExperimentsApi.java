package dev.switchyard.ingress.experiments;

import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.ingress.kafka.EventPublisher;
import dev.switchyard.ingress.metrics.IngressMetrics;
import dev.switchyard.ingress.routers.RouterAdminHandler;
import dev.switchyard.ingress.routers.RouterVersionsReader;
import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.report.ExperimentReports;
import dev.switchyard.metrics.report.ReportOptions;
import dev.switchyard.metrics.report.VariantTimeseries;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.function.Predicate;

/**
 * The experiments API and dashboard of ingress, registered on its HTTP router:
 * <pre>
 * POST /v1/feedback                                   an outcome → llm.feedback (202 once acknowledged)
 * GET  /router/v1/routers/{id}/report?from=&amp;to=&amp;metric=   the experiment report (ClickHouse)
 * GET  /router/v1/routers/{id}/timeseries?from=&amp;to=&amp;window= traffic per variant and window (ClickHouse)
 * POST /router/v1/routers/{id}:promote {"route", "variant", "force"?}  that variant at 100 % of that route (a new
 *                                                      router version) when the report calls it the winner
 * POST /router/v1/routers/{id}:restore {"version"}     an earlier version's routes as a new version
 * GET  /dashboard/                                     the dashboard (static files, same-origin API calls)
 * </pre>
 * Closing it releases the ClickHouse client and the report workers.
 */
public final class ExperimentsApi implements AutoCloseable {
    private final ClickHouseConnection clickHouse;   // null: reports unavailable
    private final WorkerExecutor reportWorkers;
    private final FeedbackHandler feedback;
    private final ReportHandler reports;
    private final RampHandler ramp;
    private final DashboardAssets dashboard = new DashboardAssets();

    /**
     * @param clickHouse where the metrics stage writes; null when none is configured (reports answer 503)
     * @param admin      the router admin API, whose change thread and publishing promote and restore reuse
     */
    public ExperimentsApi(Vertx vertx, String instanceId, ClickHouseEndpoint clickHouse, RouterConfigStore store,
                          EventPublisher publisher, RouterAdminHandler admin, RouterDocuments documents,
                          RouterVersionsReader history, Predicate<String> knownModel, IngressMetrics metrics) {
        this.clickHouse = clickHouse == null ? null : new ClickHouseConnection(clickHouse);
        this.reportWorkers = vertx.createSharedWorkerExecutor(instanceId + "-reports", 2);
        this.feedback = new FeedbackHandler(new FeedbackParser(store::get, store::all), publisher, metrics);
        this.reports = new ReportHandler(store, history,
                this.clickHouse == null ? null : new ExperimentReports(this.clickHouse, ReportOptions.defaults()),
                this.clickHouse == null ? null : new VariantTimeseries(this.clickHouse), reportWorkers, metrics);
        this.ramp = new RampHandler(documents, admin, history, reports, knownModel, metrics);
    }

    /** Adds the routes; register them before a catch-all. {@code body} reads (size-limited) request bodies. */
    public void register(Router router, BodyHandler body) {
        router.post("/v1/feedback").handler(body).handler(feedback::handle);
        router.get("/router/v1/routers/:id/report").handler(reports::report);
        router.get("/router/v1/routers/:id/timeseries").handler(reports::timeseries);
        // Google-style custom methods ({id}:promote): a regex, since ':' starts a path parameter in Vert.x paths.
        router.postWithRegex("/router/v1/routers/(?<id>[^/:]+):promote").handler(body).handler(ramp::promote);
        router.postWithRegex("/router/v1/routers/(?<id>[^/:]+):restore").handler(body).handler(ramp::restore);
        router.get("/dashboard").handler(dashboard::handle);
        router.get("/dashboard/*").handler(dashboard::handle);
    }

    /** Whether reports can be served (a ClickHouse endpoint is configured). */
    public boolean reportsAvailable() {
        return clickHouse != null;
    }

    @Override
    public void close() {
        reportWorkers.close();
        if (clickHouse != null) {
            clickHouse.close();
        }
    }
}
