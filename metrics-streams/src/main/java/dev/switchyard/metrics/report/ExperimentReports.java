package dev.switchyard.metrics.report;

import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.metrics.clickhouse.ClickHouseConnection;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.report.ExperimentReport.Bounds;
import dev.switchyard.metrics.report.ExperimentReport.Difference;
import dev.switchyard.metrics.report.ExperimentReport.MetricReport;
import dev.switchyard.metrics.report.ExperimentReport.Percentiles;
import dev.switchyard.metrics.report.ExperimentReport.RouteReport;
import dev.switchyard.metrics.report.ExperimentReport.Srm;
import dev.switchyard.metrics.report.ExperimentReport.VariantReport;
import dev.switchyard.metrics.report.ReportQueries.Outcome;
import dev.switchyard.metrics.report.ReportQueries.Retention;
import dev.switchyard.metrics.report.ReportQueries.Traffic;
import dev.switchyard.metrics.report.ReportQueries.VariantKey;
import dev.switchyard.metrics.report.ReportQueries.VersionUnits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds experiment reports from ClickHouse: the library behind
 * {@code GET /router/v1/routers/{id}/report?from=&to=&metric=}.
 *
 * <p>Per route (the control is its first variant) and variant: users, requests, traffic share against the
 * weights in force (each router version's) with a sample-ratio-mismatch test and the allocation phases the range
 * spans, error rate and errors by kind, failovers, p50/p95 latency (successful requests) and TTFT (streamed
 * answers), cost per priced request and per 1,000 users, tokens; and per outcome metric declared on
 * the router, the mean with its anytime-valid confidence sequence, the difference to the control with its own
 * sequence, and a verdict honouring the metric's direction. What a metric's mean is:
 * <ul>
 *   <li>boolean (conversion, thumbs up): the share of the variant's users (users served in the range) who had a
 *       positive outcome for the metric within the range (feedback with a value &gt; 0, attributed to the variant,
 *       whose timestamp lies in the range; each user once, from the per-feedback table {@code metric_feedback}). A
 *       positive before {@code from} does not count: the report over a range (one allocation phase, say) is about
 *       what happened in it. Without user ids, the mean of the attributed feedback values;</li>
 *   <li>float (satisfaction, revenue): the mean of the attributed feedback values, one per request, and one per
 *       user and variant for feedback keyed by user;</li>
 *   <li>retention: the share of users first seen in the range who came back on a later day within N days,
 *       computed from the request log (users whose N days are not over yet are left out).</li>
 * </ul>
 * Thread-safe.
 */
public final class ExperimentReports implements AutoCloseable {
    public static final String WINNER = "winner";
    public static final String LOSER = "loser";
    public static final String INCONCLUSIVE = "inconclusive";
    public static final String CONTROL = "control";

    private final ClickHouseConnection clickHouse;
    private final boolean ownsConnection;
    private final ReportQueries queries;
    private final ReportOptions options;
    private final ConfidenceSequences sequences;

    public ExperimentReports(ClickHouseEndpoint endpoint) {
        this(new ClickHouseConnection(endpoint), ReportOptions.defaults(), true);
    }

    public ExperimentReports(ClickHouseEndpoint endpoint, ReportOptions options) {
        this(new ClickHouseConnection(endpoint), options, true);
    }

    /** Shares {@code clickHouse} (not closed by {@link #close()}). */
    public ExperimentReports(ClickHouseConnection clickHouse, ReportOptions options) {
        this(clickHouse, options, false);
    }

    private ExperimentReports(ClickHouseConnection clickHouse, ReportOptions options, boolean ownsConnection) {
        this.clickHouse = clickHouse;
        this.ownsConnection = ownsConnection;
        this.queries = new ReportQueries(clickHouse);
        this.options = options;
        this.sequences = new ConfidenceSequences(options.alpha(), options.optimizeAt());
    }

    /**
     * The metric a promotion is judged on: the first the router declares (null when it declares none). The
     * report's verdicts on the others are shown, but only this one makes a variant "the winner" to promote.
     */
    public static String primaryMetric(RouterConfig router) {
        return router.getMetrics().isEmpty() ? null : router.getMetrics().get(0).getName();
    }

    /** {@link #report(RouterConfig, List, Instant, Instant, String)} without the version history: every router version counts with the current weights. */
    public ExperimentReport report(RouterConfig router, Instant from, Instant to, String metric) {
        return report(router, List.of(router), from, to, metric);
    }

    /**
     * @param router  the router as it is now (its routes, weights and metric definitions)
     * @param history its recorded versions (any order; may lack some): the weights each router version in the request
     *                log was served with, for the sample-ratio test and the allocation phases. A version it lacks
     *                counts with the current weights.
     * @param from    start of the range (inclusive)
     * @param to      end of the range (exclusive)
     * @param metric  only this outcome metric; null for all the router declares
     * @throws IllegalArgumentException when {@code metric} is not declared on the router, or the range is empty
     */
    public ExperimentReport report(RouterConfig router, List<RouterConfig> history, Instant from, Instant to, String metric) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' must be before 'to'");
        }
        List<MetricDefinition> metrics = new ArrayList<>();
        for (MetricDefinition m : router.getMetrics()) {
            if (metric == null || m.getName().equals(metric)) {
                metrics.add(m);
            }
        }
        if (metric != null && metrics.isEmpty()) {
            throw new IllegalArgumentException("router " + router.getId() + " declares no metric '" + metric + "'");
        }
        String routerId = router.getId();
        Map<VariantKey, Traffic> traffic = queries.traffic(routerId, from, to);
        Map<VariantKey, Map<String, Long>> errors = queries.errorsByKind(routerId, from, to);
        List<VersionUnits> versionUnits = queries.versionUnits(routerId, from, to);
        Map<Long, RouterConfig> versions = new HashMap<>();
        for (RouterConfig version : history) {
            versions.put(version.getVersion(), version);
        }
        versions.put(router.getVersion(), router);
        Map<VariantKey, Map<String, Outcome>> outcomes = metrics.isEmpty() ? Map.of() : queries.outcomes(routerId, from, to);
        boolean anyBoolean = metrics.stream().anyMatch(m -> m.getKind() == MetricKind.BOOLEAN);
        Map<VariantKey, Map<String, Long>> positives = anyBoolean ? queries.positiveUsers(routerId, from, to) : Map.of();
        Map<String, Map<VariantKey, Retention>> retention = new HashMap<>();
        for (MetricDefinition m : metrics) {
            if (m.getKind() == MetricKind.RETENTION) {
                int days = m.getRetentionDays() == null ? 7 : m.getRetentionDays();
                retention.put(m.getName(), queries.retention(routerId, from, to, days, options.clock().instant()));
            }
        }

        List<Route> routes = new ArrayList<>(router.getRoutes());
        if (router.getDefaultRoute() != null) {
            routes.add(router.getDefaultRoute());
        }
        List<RouteReport> routeReports = new ArrayList<>();
        for (Route route : routes) {
            List<VersionUnits> units = versionUnits.stream().filter(u -> u.routeId().equals(route.getRouteId())).toList();
            routeReports.add(routeReport(route, metrics, traffic, errors, outcomes, positives, retention,
                    Allocation.of(route, units, versions, router)));
        }
        Map<String, Long> unattributed = new TreeMap<>();
        Map<String, Outcome> none = outcomes.getOrDefault(new VariantKey("", ""), Map.of());
        for (MetricDefinition m : metrics) {
            Outcome o = none.get(m.getName());
            unattributed.put(m.getName(), o == null ? 0 : o.observations());
        }
        return new ExperimentReport(routerId, router.getVersion(), from, to, options.clock().instant(), options.alpha(),
                routeReports, unattributed);
    }

    private RouteReport routeReport(Route route, List<MetricDefinition> metrics, Map<VariantKey, Traffic> traffic,
                                    Map<VariantKey, Map<String, Long>> errors, Map<VariantKey, Map<String, Outcome>> outcomes,
                                    Map<VariantKey, Map<String, Long>> positives,
                                    Map<String, Map<VariantKey, Retention>> retention, Allocation allocation) {
        String routeId = route.getRouteId();
        // Configured variants in order (the first is the control), then any the log has but the router no longer.
        Set<String> variantIds = new LinkedHashSet<>();
        Map<String, Variant> configured = new HashMap<>();
        for (Variant v : route.getVariants()) {
            variantIds.add(v.getVariantId());
            configured.put(v.getVariantId(), v);
        }
        for (VariantKey k : traffic.keySet()) {
            if (k.routeId().equals(routeId)) {
                variantIds.add(k.variantId());
            }
        }
        variantIds.addAll(allocation.variantIds()); // also those weighted in an earlier version and never served
        List<String> ids = new ArrayList<>(variantIds);
        String controlId = route.getVariants().isEmpty() ? null : route.getVariants().get(0).getVariantId();

        long users = 0;
        long requests = 0;
        for (String id : ids) {
            Traffic t = traffic.get(new VariantKey(routeId, id));
            if (t != null) {
                users += t.users();
                requests += t.requests();
            }
        }
        boolean byUsers = users > 0;
        long[] units = allocation.observed(ids, byUsers);
        double[] expected = allocation.expected(ids, byUsers);
        long totalUnits = 0;
        double totalExpected = 0;
        for (int i = 0; i < ids.size(); i++) {
            totalUnits += units[i];
            totalExpected += expected[i];
        }
        if (totalUnits == 0) { // no traffic: the current weights are what to expect
            for (int i = 0; i < ids.size(); i++) {
                Variant v = configured.get(ids.get(i));
                expected[i] = v == null ? 0 : v.getWeight();
                totalExpected += expected[i];
            }
        }
        SampleRatioMismatch.Result srm = SampleRatioMismatch.test(units, expected, options.srmThreshold());

        // Each metric's sample for every variant first, so each variant can be compared with the control.
        Map<String, Map<String, SampleStats>> samples = new HashMap<>();
        Map<String, String> units2 = new HashMap<>();
        for (MetricDefinition m : metrics) {
            Map<String, SampleStats> byVariant = new HashMap<>();
            for (String id : ids) {
                VariantKey key = new VariantKey(routeId, id);
                byVariant.put(id, sample(m, traffic.get(key), outcomes.getOrDefault(key, Map.of()).get(m.getName()),
                        positives.getOrDefault(key, Map.of()).getOrDefault(m.getName(), 0L),
                        retention.getOrDefault(m.getName(), Map.of()).get(key), units2));
            }
            samples.put(m.getName(), byVariant);
        }

        List<VariantReport> variants = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            VariantKey key = new VariantKey(routeId, id);
            Traffic t = traffic.getOrDefault(key, new Traffic(0, 0, 0, 0, 0, null, null, null, null, 0, 0, 0, 0));
            Variant v = configured.get(id);
            boolean isControl = id.equals(controlId);
            List<MetricReport> metricReports = new ArrayList<>();
            for (MetricDefinition m : metrics) {
                SampleStats sample = samples.get(m.getName()).get(id);
                SampleStats control = controlId == null ? null : samples.get(m.getName()).get(controlId);
                metricReports.add(metricReport(m, units2.get(m.getName()), sample, isControl ? null : control, isControl));
            }
            variants.add(new VariantReport(id, v == null ? null : v.getModelId(), isControl, v != null,
                    v == null ? 0 : v.getWeight(), totalExpected == 0 ? null : expected[i] / totalExpected,
                    t.users(), t.requests(), totalUnits == 0 ? null : (double) units[i] / totalUnits,
                    t.errors(), ratio(t.errors(), t.requests()), errors.getOrDefault(key, Map.of()), t.cancelled(),
                    t.failovers(), new Percentiles(t.latencyP50(), t.latencyP95()), new Percentiles(t.ttftP50(), t.ttftP95()),
                    t.costUsd(), ratio(t.costUsd(), t.pricedRequests()), t.requests() - t.pricedRequests(),
                    t.pricedRequests() == 0 || t.users() == 0 ? null : t.costUsd() / t.users() * 1000,
                    t.inputTokens(), t.outputTokens(), metricReports));
        }
        Srm srmReport = srm == null ? null
                : new Srm(srm.chiSquare(), srm.degreesOfFreedom(), srm.pValue(), srm.flagged(), options.srmThreshold());
        List<ExperimentReport.Phase> phases = allocation.phases(byUsers);
        return new RouteReport(routeId, route.getCelExpression(), controlId, byUsers ? "users" : "requests", users,
                requests, srmReport, phases, Allocation.warning(phases), variants);
    }

    /** The sample of metric {@code m} in one variant (see the class comment for what each kind means). */
    private static SampleStats sample(MetricDefinition m, Traffic traffic, Outcome outcome, long positiveUsers,
                                      Retention retention, Map<String, String> unitOut) {
        switch (m.getKind()) {
            case RETENTION -> {
                unitOut.put(m.getName(), "users");
                return retention == null ? SampleStats.bernoulli(0, 0) : SampleStats.bernoulli(retention.users(), retention.returned());
            }
            case BOOLEAN -> {
                long users = traffic == null ? 0 : traffic.users();
                if (users > 0) {
                    unitOut.put(m.getName(), "users");
                    // Users served in the range with a positive outcome within it (metric_feedback): a subset of
                    // the users, each counted once, independent of the topology's de-duplication memory.
                    return SampleStats.bernoulli(users, positiveUsers);
                }
                unitOut.putIfAbsent(m.getName(), "observations");
                return outcome == null ? new SampleStats(0, 0, 0) : new SampleStats(outcome.observations(), outcome.sum(), outcome.sumSq());
            }
            default -> {
                unitOut.put(m.getName(), "observations");
                return outcome == null ? new SampleStats(0, 0, 0) : new SampleStats(outcome.observations(), outcome.sum(), outcome.sumSq());
            }
        }
    }

    /**
     * One metric of one variant. Bounds are shown only from {@code minSamples} units on (in both arms for the
     * difference): the sequences are asymptotic, and below that they are no honest statement (null).
     */
    private MetricReport metricReport(MetricDefinition m, String unit, SampleStats sample, SampleStats control, boolean isControl) {
        // Boolean and retention values are 0/1: their variance is floored like a proportion's (never a zero-width interval).
        boolean proportion = m.getKind() != MetricKind.FLOAT;
        long minSamples = options.minSamples();
        ConfidenceSequences.Interval mean = sequences.mean(sample, proportion);
        Difference difference = null;
        String verdict = isControl ? CONTROL : INCONCLUSIVE;
        if (!isControl && control != null) {
            ConfidenceSequences.Interval diff = sequences.difference(sample, control, proportion);
            double controlMean = control.mean();
            Double relative = control.n() > 0 && controlMean != 0 && Double.isFinite(diff.estimate())
                    ? diff.estimate() / Math.abs(controlMean) : null;
            boolean enough = sample.n() >= minSamples && control.n() >= minSamples;
            difference = new Difference(finite(diff.estimate()), enough ? finite(diff.lower()) : null,
                    enough ? finite(diff.upper()) : null, finite(relative));
            verdict = verdict(m.getDirection(), diff, sample.n(), control.n(), minSamples);
        }
        Bounds bounds = sample.n() >= minSamples ? new Bounds(finite(mean.lower()), finite(mean.upper())) : new Bounds(null, null);
        if (proportion) {
            // A proportion lives in [0, 1] (a difference of two in [-1, 1]); intersecting a confidence sequence with
            // the support keeps its coverage and stops the asymptotic sequence showing impossible rates.
            bounds = new Bounds(clip(bounds.lower(), 0, 1), clip(bounds.upper(), 0, 1));
            if (difference != null) {
                difference = new Difference(difference.estimate(), clip(difference.lower(), -1, 1),
                        clip(difference.upper(), -1, 1), difference.relative());
            }
        }
        return new MetricReport(m.getName(), m.getKind().name().toLowerCase(Locale.ROOT),
                m.getDirection().name().toLowerCase(Locale.ROOT), unit, sample.n(), finite(mean.estimate()),
                bounds, difference, verdict);
    }

    private static Double clip(Double value, double min, double max) {
        return value == null ? null : Math.max(min, Math.min(max, value));
    }

    /** Winner when the difference's sequence lies entirely on the metric's good side; loser on the bad side. */
    static String verdict(MetricDirection direction, ConfidenceSequences.Interval diff, long n, long controlN, long minSamples) {
        if (n < minSamples || controlN < minSamples || !diff.isBounded() || diff.contains(0)) {
            return INCONCLUSIVE;
        }
        boolean better = direction == MetricDirection.DECREASE ? diff.upper() < 0 : diff.lower() > 0;
        return better ? WINNER : LOSER;
    }

    private static Double ratio(double a, long b) {
        return b == 0 ? null : a / b;
    }

    private static Double finite(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    @Override
    public void close() {
        if (ownsConnection) {
            clickHouse.close();
        }
    }
}
