package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Usage;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.metrics.MetricsStreamsConfig;
import dev.switchyard.metrics.MetricsStreamsService;
import dev.switchyard.metrics.clickhouse.ClickHouseEndpoint;
import dev.switchyard.metrics.streams.TopologyOptions;
import dev.switchyard.schemas.Topics;
import dev.switchyard.testsupport.services.ClickHouseServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The experiments loop on real services: a broker, a registry, a ClickHouse child process and the metrics stage
 * (metrics-streams). The test plays the provider workers (it produces one Completion per request to
 * {@code llm.completions}: 300 users, "ctl" and "new" alternately); the outcomes go through ingress's
 * {@code POST /v1/feedback} (10 % of ctl's users convert, 50 % of new's; half reported by request id, half by user).
 * Then the report and time-series endpoints must agree with what was sent, and the dashboard in headless Chromium
 * must show the report's numbers and promote the winner.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExperimentsPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 300;
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String ROUTER = "exp-" + SUFFIX;
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    private static IngressKit kit;
    private static MetricsStreamsService metrics;
    private static IngressService ingress;
    private static Path stateDir;
    private static final Map<String, Integer> users = new HashMap<>();
    private static final Map<String, Integer> requests = new HashMap<>();
    private static final Map<String, Integer> errors = new HashMap<>();
    private static final Map<String, Integer> conversions = new HashMap<>();
    private static final Map<String, List<Double>> satisfaction = new HashMap<>();
    private static final Map<String, List<Long>> okLatencies = new HashMap<>();

    @BeforeAll
    static void runTheExperiment() throws Exception {
        kit = new IngressKit();
        ClickHouseEndpoint clickHouse = ClickHouseEndpoint.of(ClickHouseServer.shared().httpUrl()).withDatabase("ingress_" + SUFFIX);
        stateDir = Files.createTempDirectory("metrics-state-");
        metrics = new MetricsStreamsService(MetricsStreamsConfig.defaults()
                .withApplicationId("ingress-it-metrics-" + SUFFIX).withStateDir(stateDir)
                .withCommitInterval(Duration.ofMillis(100)).withSinkMaxDelay(Duration.ofMillis(100))
                .withTopology(TopologyOptions.defaults().withMatchWait(Duration.ofSeconds(5)).withPendingCheckInterval(Duration.ofMillis(200))),
                kit.kafka, kit.serdes, clickHouse).start();
        ingress = kit.start(c -> c.withClickHouse(clickHouse));
        HttpResponse<String> created = kit.send(kit.post(ingress, "/router/v1/routers", ExperimentRouters.body(ROUTER)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        await(Duration.ofSeconds(90), metrics::isReady, "the metrics stage");

        // The requests, as the workers would report them: spread over four minutes (record time = receipt), so the
        // time series has several 1-minute windows; in time order and within the windows' 5-minute grace period.
        Instant start = Instant.now().minus(Duration.ofMinutes(4));
        List<String> firstRequest = new ArrayList<>();
        int total = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kit.kafka.producer("workers-" + SUFFIX))) {
            for (int u = 0; u < USERS; u++) {
                String variant = u % 2 == 0 ? "ctl" : "new";
                users.merge(variant, 1, Integer::sum);
                int n = u % 3 == 0 ? 2 : 1;
                for (int r = 0; r < n; r++) {
                    String requestId = "req_" + SUFFIX + "_" + u + "_" + r;
                    if (r == 0) {
                        firstRequest.add(requestId);
                    }
                    long latency = variant.equals("ctl") ? 300 + (u % 7) * 20 : 150 + (u % 5) * 10;
                    boolean failed = u % 25 == 0 && r == 0;
                    Instant at = start.plusMillis(u * 800L + r * 100L);
                    Completion c = completion(requestId, variant, "user-" + u, at, latency, failed);
                    requests.merge(variant, 1, Integer::sum);
                    errors.merge(variant, failed ? 1 : 0, Integer::sum);
                    if (!failed) {
                        okLatencies.computeIfAbsent(variant, k -> new ArrayList<>()).add(latency);
                    }
                    producer.send(new ProducerRecord<>(Topics.COMPLETIONS, null, at.toEpochMilli(), requestId,
                            kit.serdes.completions.serialize(Topics.COMPLETIONS, c)));
                    total++;
                }
            }
            producer.flush();
        }
        int sent = total;
        await(Duration.ofSeconds(90), () -> reportRequests() == sent, "every request in the report");

        // The outcomes, through the feedback API.
        for (int u = 0; u < USERS; u++) {
            String variant = u % 2 == 0 ? "ctl" : "new";
            conversions.putIfAbsent(variant, 0);
            boolean converts = variant.equals("ctl") ? (u / 2) % 10 == 0 : (u / 2) % 2 == 0;
            if (converts) {
                conversions.merge(variant, 1, Integer::sum);
                String body = u % 4 < 2
                        ? "{\"request_id\":\"" + firstRequest.get(u) + "\",\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":true}"
                        : "{\"user\":\"user-" + u + "\",\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":1}";
                assertThat(kit.send(kit.post(ingress, "/v1/feedback", body).build()).statusCode()).isEqualTo(202);
            }
            if (u % 3 == 0) {
                double score = variant.equals("ctl") ? 2.5 + (u % 5) * 0.5 : 3.5 + (u % 7) * 0.25;
                satisfaction.computeIfAbsent(variant, k -> new ArrayList<>()).add(score);
                assertThat(kit.send(kit.post(ingress, "/v1/feedback", "{\"request_id\":\"" + firstRequest.get(u)
                        + "\",\"metric\":\"satisfaction\",\"value\":" + score + "}").build()).statusCode()).isEqualTo(202);
            }
        }
        int converted = conversions.values().stream().mapToInt(Integer::intValue).sum();
        int scored = satisfaction.values().stream().mapToInt(List::size).sum();
        await(Duration.ofSeconds(90), () -> {
            JsonNode report = report("");
            long conv = 0;
            long sat = 0;
            for (JsonNode v : report.at("/routes/0/variants")) {
                conv += Math.round(v.at("/metrics/0/mean").asDouble(0) * v.get("users").asLong());
                sat += v.at("/metrics/1/n").asLong();
            }
            return conv == converted && sat == scored;
        }, "every outcome attributed");
    }

    @AfterAll
    static void stop() throws Exception {
        if (ingress != null) {
            ingress.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        kit.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Completion completion(String requestId, String variant, String user, Instant at, long latency, boolean failed) {
        Completion.Builder c = Completion.newBuilder()
                .setRequestId(requestId).setReceivedAt(at).setCompletedAt(at.plusMillis(latency))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setStream(false).setRequestedModel("router/" + ROUTER)
                .setRouterId(ROUTER).setRouterVersion(1L).setRouteId("main").setVariantId(variant).setUserId(user)
                .setModelId(variant.equals("ctl") ? "openai/gpt-5.2" : "anthropic/claude-haiku-4-5")
                .setProvider(variant.equals("ctl") ? "openai" : "anthropic")
                .setAttempts(List.of(Attempt.newBuilder().setAttempt(1).setAttemptId("w-" + requestId)
                        .setModelId(variant.equals("ctl") ? "openai/gpt-5.2" : "anthropic/claude-haiku-4-5")
                        .setProvider(variant.equals("ctl") ? "openai" : "anthropic").setStartedAt(at)
                        .setOutcome(failed ? "error" : "ok").setDurationMs(latency).build()))
                .setTtftMs(latency / 3).setLatencyMs(latency);
        if (failed) {
            return c.setStatus(CompletionStatus.ERROR).setHttpStatus(500).setErrorType("api_error").build();
        }
        return c.setStatus(CompletionStatus.OK).setHttpStatus(200).setFinishReason("stop")
                .setUsage(new Usage(120L, 30L, 0L, 0L, 0L)).setCostUsd(variant.equals("ctl") ? 0.0012 : 0.0004).build();
    }

    private static JsonNode report(String query) {
        HttpResponse<String> answer = kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report" + query);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        try {
            return JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long reportRequests() {
        return report("").at("/routes/0/requests").asLong();
    }

    @Test
    @Order(1)
    void theReportAgreesWithWhatWasSentAndFindsTheWinner() throws Exception {
        JsonNode report = report("?from=24h&to=now");
        assertThat(report.get("router_id").asText()).isEqualTo(ROUTER);
        JsonNode route = report.at("/routes/0");
        assertThat(route.get("route_id").asText()).isEqualTo("main");
        assertThat(route.get("control_variant_id").asText()).isEqualTo("ctl");
        assertThat(route.get("users").asInt()).isEqualTo(USERS);
        assertThat(route.at("/srm/flagged").asBoolean()).isFalse();
        for (JsonNode v : route.get("variants")) {
            String id = v.get("variant_id").asText();
            assertThat(v.get("users").asInt()).as(id).isEqualTo(users.get(id));
            assertThat(v.get("requests").asInt()).as(id).isEqualTo(requests.get(id));
            assertThat(v.get("errors").asInt()).as(id).isEqualTo(errors.get(id));
            assertThat(v.get("traffic_share").asDouble()).isEqualTo(0.5);
            assertThat(v.at("/latency_ms/p50").asDouble()).as(id).isCloseTo(quantile(okLatencies.get(id), 0.5), within(1e-6));
            assertThat(v.at("/latency_ms/p95").asDouble()).as(id).isCloseTo(quantile(okLatencies.get(id), 0.95), within(1e-6));
            JsonNode conversion = v.at("/metrics/0");
            assertThat(conversion.get("name").asText()).isEqualTo("conversion");
            assertThat(conversion.get("mean").asDouble()).as(id).isCloseTo((double) conversions.get(id) / users.get(id), within(1e-12));
            // A conversion rate's confidence sequence stays inside [0, 1] even with few users.
            assertThat(conversion.at("/confidence/lower").asDouble()).as(id).isBetween(0.0, 1.0);
            assertThat(conversion.at("/confidence/upper").asDouble()).as(id).isBetween(0.0, 1.0);
            JsonNode sat = v.at("/metrics/1");
            assertThat(sat.get("n").asInt()).isEqualTo(satisfaction.get(id).size());
            assertThat(sat.get("mean").asDouble()).isCloseTo(satisfaction.get(id).stream().mapToDouble(d -> d).average().orElseThrow(), within(1e-9));
        }
        assertThat(route.at("/variants/0/metrics/0/verdict").asText()).isEqualTo("control");
        assertThat(route.at("/variants/1/metrics/0/verdict").asText()).isEqualTo("winner");
        assertThat(report.at("/unattributed_feedback/conversion").asLong()).isZero();

        // Only one metric when asked; bad input is a 400, an unknown router a 404.
        assertThat(report("?metric=satisfaction").at("/routes/0/variants/0/metrics")).hasSize(1);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report?metric=nps").statusCode()).isEqualTo(400);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report?from=1h&to=2h").statusCode()).isEqualTo(400);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report?to=soon").statusCode()).isEqualTo(400);
        assertThat(kit.get(ingress, "/router/v1/routers/nope-" + SUFFIX + "/report").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void theTimeSeriesCountsEveryRequestInItsVariant() throws Exception {
        HttpResponse<String> answer = kit.get(ingress, "/router/v1/routers/" + ROUTER + "/timeseries?from=1h");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode series = JSON.readTree(answer.body());
        assertThat(series.get("window_seconds").asInt()).isEqualTo(60);
        Map<String, Integer> byVariant = new HashMap<>();
        Map<String, Integer> errorsByVariant = new HashMap<>();
        for (JsonNode p : series.get("points")) {
            byVariant.merge(p.get("variant_id").asText(), p.get("requests").asInt(), Integer::sum);
            errorsByVariant.merge(p.get("variant_id").asText(), p.get("errors").asInt(), Integer::sum);
            assertThat(p.get("route_id").asText()).isEqualTo("main");
        }
        assertThat(byVariant).isEqualTo(requests);
        assertThat(errorsByVariant).isEqualTo(errors);
        JsonNode hourly = JSON.readTree(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/timeseries?from=7d&window=1h").body());
        assertThat(hourly.get("window_seconds").asInt()).isEqualTo(3600);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/timeseries?window=5m").statusCode()).isEqualTo(400);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/timeseries?from=30d&window=1m").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> promote(String body) {
        return kit.send(kit.post(ingress, "/router/v1/routers/" + ROUTER + ":promote", body).build());
    }

    private static String errorCode(HttpResponse<String> answer) throws Exception {
        return JSON.readTree(answer.body()).at("/error/code").asText();
    }

    /** The server's guard: only the report's winner on the primary metric (conversion) is promoted without "force". */
    @Test
    @Order(3)
    void promoteTakesOnlyTheWinnerOfItsRouteAndRestoreUndoesIt() throws Exception {
        HttpResponse<String> control = promote("{\"route\":\"main\",\"variant\":\"ctl\",\"from\":\"1h\"}");
        assertThat(control.statusCode()).as(control.body()).isEqualTo(409);
        assertThat(errorCode(control)).isEqualTo("not_a_winner");
        assertThat(JSON.readTree(control.body()).at("/error/message").asText()).contains("'control'").contains("conversion");
        HttpResponse<String> unknownRoute = promote("{\"route\":\"eu\",\"variant\":\"new\"}");
        assertThat(unknownRoute.statusCode()).as(unknownRoute.body()).isEqualTo(400);
        assertThat(JSON.readTree(unknownRoute.body()).at("/error/param").asText()).isEqualTo("route");
        assertThat(JSON.readTree(kit.get(ingress, "/router/v1/routers/" + ROUTER).body()).get("version").asInt()).isEqualTo(1);

        HttpResponse<String> winner = promote("{\"route\":\"main\",\"variant\":\"new\",\"from\":\"1h\"}");
        assertThat(winner.statusCode()).as(winner.body()).isEqualTo(200);
        assertThat(JSON.readTree(winner.body()).get("version").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(winner.body()).at("/defaultRoute/variants/1/weight").asInt()).isEqualTo(100);
        // Back to 50/50 (version 3) for the dashboard's turn.
        HttpResponse<String> restored = kit.send(kit.post(ingress, "/router/v1/routers/" + ROUTER + ":restore", "{\"version\":1}").build());
        assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
        assertThat(JSON.readTree(restored.body()).get("version").asInt()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void theDashboardShowsTheReportsNumbersAndPromotesTheWinner() throws Exception {
        var chromium = HeadlessChromium.binary();
        Assumptions.assumeTrue(chromium.isPresent(),
                "Chromium is not installed, so the dashboard's browser test is skipped (apt-get install -y chromium; CI installs it)");
        try (HeadlessChromium browser = HeadlessChromium.start(chromium.get(), SCREENSHOTS)) {
            String base = "http://127.0.0.1:" + ingress.port();
            browser.navigate(base + "/dashboard/#router=" + ROUTER + "&range=1h");
            browser.await("document.body.dataset.state === 'ready' && document.body.dataset.router === '" + ROUTER + "'",
                    Duration.ofSeconds(30), "the dashboard to render the router");
            JsonNode shown = browser.evaluate("""
                    Array.from(document.querySelectorAll('[data-field]')).map(e => ({field: e.dataset.field,
                      route: e.dataset.route || null, variant: e.dataset.variant || null, metric: e.dataset.metric || null,
                      flagged: e.dataset.flagged || null, text: e.textContent.trim()}))""");
            JsonNode report = report("?from=1h");
            int checked = assertPageShows(shown, report);
            assertThat(checked).as("numbers compared").isGreaterThanOrEqualTo(40);
            assertThat(browser.evaluate("document.querySelector('nav a[data-router=\"" + ROUTER + "\"]') !== null").asBoolean()).isTrue();
            assertThat(browser.evaluate("document.querySelectorAll('svg polyline, svg circle').length").asInt()).as("charts drawn").isGreaterThan(4);
            Files.write(SCREENSHOTS.resolve("dashboard.png"), browser.screenshot(1400));

            // Promote is offered for the winner only; from the page it makes a new router version with 100 % on "new".
            assertThat(browser.evaluate("document.querySelector('[data-action=promote][data-variant=ctl]') === null").asBoolean()).isTrue();
            browser.evaluate("document.querySelector('[data-action=promote][data-variant=new]').click()");
            browser.evaluate("document.querySelector('[data-action=confirm-promote][data-variant=new]').click()");
            browser.await("document.body.dataset.state === 'ready' && document.body.dataset.version === '4'",
                    Duration.ofSeconds(30), "the promoted version");
            assertThat(browser.evaluate("document.querySelector('[data-field=notice]').textContent").asText())
                    .contains("Promoted new to 100 % of route main").contains("version 4");
            assertThat(browser.evaluate("document.querySelector('[data-field=weight][data-variant=new]').textContent").asText()).isEqualTo("100 %");
            JsonNode router = JSON.readTree(kit.get(ingress, "/router/v1/routers/" + ROUTER).body());
            assertThat(router.get("version").asInt()).isEqualTo(4);
            assertThat(router.at("/defaultRoute/variants/1/weight").asInt()).isEqualTo(100);
            assertThat(router.at("/defaultRoute/variants/0/weight").asInt()).isEqualTo(0);
            Files.write(SCREENSHOTS.resolve("dashboard-promoted.png"), browser.screenshot(1400));
        }
    }

    /**
     * Requests served by version 2 (all of "main" on "new", from the promotion above) after version 1's 50/50: the
     * report reads the history from router.versions, tests the split against each version's weights, shows two
     * allocation phases with a warning, and promotion on the pooled numbers is refused; the dashboard shows the
     * phases, offers no Promote, and narrows the range to the current phase on request.
     */
    @Test
    @Order(5)
    void aWeightChangeWithinTheRangeIsReportedAsPhasesAndBlocksPromotion() throws Exception {
        int late = 20;
        long before = reportRequests();
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kit.kafka.producer("workers-late-" + SUFFIX))) {
            for (int u = 0; u < late; u++) {
                String requestId = "req_" + SUFFIX + "_late_" + u;
                Completion c = Completion.newBuilder(completion(requestId, "new", "late-user-" + u, now, 150, false))
                        .setRouterVersion(2L).build();
                producer.send(new ProducerRecord<>(Topics.COMPLETIONS, null, now.toEpochMilli(), requestId,
                        kit.serdes.completions.serialize(Topics.COMPLETIONS, c)));
            }
            producer.flush();
        }
        await(Duration.ofSeconds(90), () -> reportRequests() == before + late, "the version-2 requests in the report");

        JsonNode route = report("?from=1h").at("/routes/0");
        assertThat(route.get("phases")).hasSize(2);
        assertThat(route.at("/phases/0/router_versions/0").asLong()).isEqualTo(1);
        assertThat(route.at("/phases/0/weights/new").asInt()).isEqualTo(50);
        assertThat(route.at("/phases/1/router_versions/0").asLong()).isEqualTo(2);
        assertThat(route.at("/phases/1/weights/new").asInt()).isEqualTo(100);
        assertThat(route.at("/phases/1/units").asLong()).isEqualTo(late);
        assertThat(route.get("warning").asText()).contains("confounded");
        // 150 + 150 users at 50/50 and 20 at 0/100: exactly the expected 150 vs 170 (today's 50/50 would expect 160/160).
        assertThat(route.at("/srm/p_value").asDouble()).isEqualTo(1.0);
        HttpResponse<String> mixed = promote("{\"route\":\"main\",\"variant\":\"new\",\"from\":\"1h\"}");
        assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(409);
        assertThat(errorCode(mixed)).isEqualTo("mixed_phases");

        var chromium = HeadlessChromium.binary();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed, so the dashboard's part is skipped");
        try (HeadlessChromium browser = HeadlessChromium.start(chromium.get(), SCREENSHOTS)) {
            browser.navigate("http://127.0.0.1:" + ingress.port() + "/dashboard/#router=" + ROUTER + "&range=1h");
            browser.await("document.body.dataset.state === 'ready' && document.querySelector('[data-field=phases]') !== null",
                    Duration.ofSeconds(30), "the dashboard to show the phases");
            assertThat(browser.evaluate("document.querySelector('[data-action=promote]') === null").asBoolean()).isTrue();
            Files.write(SCREENSHOTS.resolve("dashboard-phases.png"), browser.screenshot(1400));
            browser.evaluate("document.querySelector('[data-action=current-phase]').click()");
            browser.await("document.body.dataset.state === 'ready' && document.querySelector('[data-field=phases]') === null"
                    + " && document.querySelector('[data-field=route_users]').textContent === '" + late + "'",
                    Duration.ofSeconds(30), "the report of the current phase");
        }
    }

    /** Compares every number the page shows with the report's, at the precision the page prints; returns how many. */
    private static int assertPageShows(JsonNode shown, JsonNode report) {
        Map<String, String> text = new HashMap<>();
        Map<String, String> flagged = new HashMap<>();
        for (JsonNode e : shown) {
            String key = e.get("field").asText() + "|" + e.path("route").asText("") + "|" + e.path("variant").asText("") + "|" + e.path("metric").asText("");
            text.put(key, e.get("text").asText());
            if (!e.path("flagged").isNull()) {
                flagged.put(key, e.path("flagged").asText());
            }
        }
        int checked = 0;
        assertThat(text.get("version|||")).isEqualTo("3");
        for (JsonNode route : report.get("routes")) {
            String r = route.get("route_id").asText();
            checked += number(text, "route_users|" + r + "||", route.get("users"), 0.5);
            checked += number(text, "route_requests|" + r + "||", route.get("requests"), 0.5);
            assertThat(flagged.get("srm|" + r + "||")).isEqualTo(String.valueOf(route.at("/srm/flagged").asBoolean()));
            for (JsonNode v : route.get("variants")) {
                String k = "|" + r + "|" + v.get("variant_id").asText() + "|";
                checked += number(text, "users" + k, v.get("users"), 0.5);
                checked += number(text, "requests" + k, v.get("requests"), 0.5);
                checked += percent(text, "traffic_share" + k, v.get("traffic_share"), 0.05);
                checked += percent(text, "expected_share" + k, v.get("expected_share"), 0.05);
                checked += percent(text, "error_rate" + k, v.get("error_rate"), 0.005);
                checked += number(text, "latency_p50" + k, v.at("/latency_ms/p50"), 0.5);
                checked += number(text, "latency_p95" + k, v.at("/latency_ms/p95"), 0.5);
                checked += number(text, "ttft_p50" + k, v.at("/ttft_ms/p50"), 0.5);
                checked += number(text, "cost_per_request" + k, v.get("cost_per_request"), v.get("cost_per_request").asDouble() * 0.005);
                checked += number(text, "cost_per_1k_users" + k, v.get("cost_per_1k_users"), v.get("cost_per_1k_users").asDouble() * 0.005);
                for (JsonNode m : v.get("metrics")) {
                    String mk = "|" + r + "|" + v.get("variant_id").asText() + "|" + m.get("name").asText();
                    checked += number(text, "n" + mk, m.get("n"), 0.5);
                    checked += number(text, "mean" + mk, m.get("mean"), 0.00005 + 1e-12);
                    checked += number(text, "lower" + mk, m.at("/confidence/lower"), 0.00005 + 1e-12);
                    checked += number(text, "upper" + mk, m.at("/confidence/upper"), 0.00005 + 1e-12);
                    if (!m.get("difference").isNull()) {
                        checked += number(text, "diff" + mk, m.at("/difference/estimate"), 0.00005 + 1e-12);
                        checked += number(text, "diff_lower" + mk, m.at("/difference/lower"), 0.00005 + 1e-12);
                        checked += number(text, "diff_upper" + mk, m.at("/difference/upper"), 0.00005 + 1e-12);
                    }
                    assertThat(text.get("verdict" + mk)).isEqualTo(m.get("verdict").asText());
                }
            }
        }
        return checked;
    }

    private static int number(Map<String, String> text, String key, JsonNode expected, double tolerance) {
        String shown = text.get(key);
        assertThat(shown).as("the page shows " + key).isNotNull();
        if (expected == null || expected.isNull() || expected.isMissingNode()) {
            assertThat(shown).as(key).isEqualTo("—");
            return 1;
        }
        double value = Double.parseDouble(shown.replace(",", "").replace("$", "").replace("ms", "").replace("+", "").trim());
        assertThat(value).as(key + " shown as '" + shown + "'").isCloseTo(expected.asDouble(), within(tolerance));
        return 1;
    }

    private static int percent(Map<String, String> text, String key, JsonNode expected, double tolerancePercent) {
        String shown = text.get(key);
        assertThat(shown).as("the page shows " + key).isNotNull().endsWith("%");
        double value = Double.parseDouble(shown.replace("%", "").trim());
        assertThat(value).as(key + " shown as '" + shown + "'").isCloseTo(expected.asDouble() * 100, within(tolerancePercent + 1e-9));
        return 1;
    }

    /** Linear interpolation between order statistics, as ClickHouse's {@code quantiles} does on small samples. */
    private static double quantile(List<Long> values, double q) {
        List<Long> sorted = values.stream().sorted().toList();
        double position = (sorted.size() - 1) * q;
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.size() - 1);
        return sorted.get(lower) + (position - lower) * (sorted.get(upper) - sorted.get(lower));
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200); // polling a condition, not synchronising on time
        }
    }
}
