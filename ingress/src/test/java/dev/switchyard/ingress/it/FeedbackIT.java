package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.events.Feedback;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.schemas.Topics;
import dev.switchyard.testsupport.kafka.TopicTail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/feedback} on a real broker and registry: accepted outcomes are on {@code llm.feedback} (keyed by
 * request id, else {@code <router>|<user>}) before the 202; malformed ones are a 400 in OpenAI's error shape and
 * publish nothing. Also what the experiments endpoints answer on an ingress without ClickHouse, and the dashboard's
 * static files.
 */
@Timeout(120)
class FeedbackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static IngressKit kit;
    private static IngressService ingress;
    private static final String ROUTER = "fb-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
        HttpResponse<String> created = kit.send(kit.post(ingress, "/router/v1/routers", ExperimentRouters.body(ROUTER)).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        ingress.close();
        kit.close();
    }

    private static TopicTail<Feedback> feedbackTail() {
        return new TopicTail<>(kit.bootstrap, Topics.FEEDBACK, bytes -> kit.serdes.feedback.deserialize(Topics.FEEDBACK, bytes));
    }

    private static HttpResponse<String> feedback(String body) {
        return kit.send(kit.post(ingress, "/v1/feedback", body).build());
    }

    @Test
    void acceptedFeedbackIsOnTheTopicKeyedByRequestOrByRouterAndUser() throws Exception {
        try (TopicTail<Feedback> tail = feedbackTail()) {
            HttpResponse<String> byRequest = feedback("{\"request_id\":\"req_abc\",\"router\":\"" + ROUTER
                    + "\",\"metric\":\"conversion\",\"value\":true,\"timestamp\":\"2026-11-20T10:00:00Z\"}");
            assertThat(byRequest.statusCode()).as(byRequest.body()).isEqualTo(202);
            JsonNode answer = JSON.readTree(byRequest.body());
            assertThat(answer.get("status").asText()).isEqualTo("accepted");
            String id = answer.get("id").asText();
            // 202 means acknowledged by the broker: the record is there already (the tail only has to read it).
            TopicTail.Rec<Feedback> record = tail.await(r -> r.value().getFeedbackId().equals(id), IngressKit.WAIT);
            assertThat(record.key()).isEqualTo("req_abc");
            assertThat(record.value().getRequestId()).isEqualTo("req_abc");
            assertThat(record.value().getRouterId()).isEqualTo(ROUTER);
            assertThat(record.value().getMetric()).isEqualTo("conversion");
            assertThat(record.value().getValue()).isEqualTo(1.0);
            assertThat(record.value().getTimestamp()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));

            HttpResponse<String> byUser = feedback("{\"user\":\"alice\",\"router\":\"router/" + ROUTER
                    + "\",\"metric\":\"satisfaction\",\"value\":4.5}");
            assertThat(byUser.statusCode()).as(byUser.body()).isEqualTo(202);
            String userFeedback = JSON.readTree(byUser.body()).get("id").asText();
            TopicTail.Rec<Feedback> userRecord = tail.await(r -> r.value().getFeedbackId().equals(userFeedback), IngressKit.WAIT);
            assertThat(userRecord.key()).isEqualTo(ROUTER + "|alice");
            assertThat(userRecord.value().getUserId()).isEqualTo("alice");
            assertThat(userRecord.value().getRequestId()).isNull();
            assertThat(userRecord.value().getValue()).isEqualTo(4.5);

            // A request id alone: the metric is checked against the routers that declare it.
            HttpResponse<String> bare = feedback("{\"request_id\":\"req_def\",\"metric\":\"conversion\",\"value\":0}");
            assertThat(bare.statusCode()).as(bare.body()).isEqualTo(202);
            String bareId = JSON.readTree(bare.body()).get("id").asText();
            assertThat(tail.await(r -> r.value().getFeedbackId().equals(bareId), IngressKit.WAIT).value().getValue()).isEqualTo(0.0);
        }
    }

    @Test
    void malformedFeedbackIsA400InOpenAisShapeAndPublishesNothing() throws Exception {
        try (TopicTail<Feedback> tail = feedbackTail()) {
            long before = kit.endOffsets(Topics.FEEDBACK);
            List<String[]> cases = List.of(
                    new String[]{"{\"request_id\":\"r1\",\"router\":\"" + ROUTER + "\",\"metric\":\"nps\",\"value\":1}", "metric", "unknown_metric"},
                    new String[]{"{\"request_id\":\"r1\",\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":0.5}", "value", "invalid_value"},
                    new String[]{"{\"request_id\":\"r1\",\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":\"yes\"}", "value", "invalid_value"},
                    new String[]{"{\"request_id\":\"r1\",\"router\":\"" + ROUTER + "\",\"metric\":\"satisfaction\",\"value\":true}", "value", "invalid_value"},
                    new String[]{"{\"request_id\":\"r1\",\"router\":\"" + ROUTER + "\",\"metric\":\"retained\",\"value\":1}", "metric", "computed_metric"},
                    new String[]{"{\"user\":\"alice\",\"metric\":\"conversion\",\"value\":1}", "router", "missing_required_parameter"},
                    new String[]{"{\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":1}", "request_id", "missing_required_parameter"},
                    new String[]{"{\"request_id\":\"r1\",\"metric\":\"conversion\",\"value\":1,\"extra\":1}", "extra", "unknown_parameter"},
                    new String[]{"{not json", null, null});
            for (String[] c : cases) {
                HttpResponse<String> answer = feedback(c[0]);
                assertThat(answer.statusCode()).as(c[0] + " → " + answer.body()).isEqualTo(400);
                JsonNode error = JSON.readTree(answer.body()).get("error");
                assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
                assertThat(error.get("message").asText()).isNotBlank();
                assertThat(error.get("param").isNull() ? null : error.get("param").asText()).as(c[0]).isEqualTo(c[1]);
                if (c[2] != null) {
                    assertThat(error.get("code").asText()).as(c[0]).isEqualTo(c[2]);
                }
            }
            HttpResponse<String> unknownRouter = feedback("{\"user\":\"alice\",\"router\":\"no-such-router\",\"metric\":\"conversion\",\"value\":1}");
            assertThat(unknownRouter.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknownRouter.body()).at("/error/code").asText()).isEqualTo("router_not_found");

            // A valid one afterwards: once it is on the topic, anything the refused ones had published would be too.
            HttpResponse<String> valid = feedback("{\"request_id\":\"r-valid\",\"router\":\"" + ROUTER + "\",\"metric\":\"conversion\",\"value\":1}");
            assertThat(valid.statusCode()).isEqualTo(202);
            tail.await(r -> "r-valid".equals(r.key()), IngressKit.WAIT);
            assertThat(tail.records()).extracting(TopicTail.Rec::key).containsExactly("r-valid");
            assertThat(kit.endOffsets(Topics.FEEDBACK)).isEqualTo(before + 1);
        }
    }

    @Test
    void withoutClickHouseReportsAre503AndUnknownRoutersAre404() throws Exception {
        HttpResponse<String> report = kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report");
        assertThat(report.statusCode()).isEqualTo(503);
        JsonNode error = JSON.readTree(report.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("reports_unavailable");
        assertThat(error.get("message").asText()).contains("CLICKHOUSE_URL");
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/timeseries").statusCode()).isEqualTo(503);
        HttpResponse<String> unknown = kit.get(ingress, "/router/v1/routers/no-such-router/report");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("router_not_found");
        // Input is checked before ClickHouse is needed.
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(kit.get(ingress, "/router/v1/routers/" + ROUTER + "/report?metric=nps").statusCode()).isEqualTo(400);
    }

    @Test
    void theDashboardIsServedFromTheBuild() {
        HttpResponse<String> redirect = kit.get(ingress, "/dashboard");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("location")).hasValue("/dashboard/");
        HttpResponse<String> page = kit.get(ingress, "/dashboard/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"app.js\"></script>").doesNotContain("https://");
        HttpResponse<String> script = kit.get(ingress, "/dashboard/app.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(kit.get(ingress, "/dashboard/charts.js").body()).contains("createElementNS");
        assertThat(kit.get(ingress, "/dashboard/style.css").statusCode()).isEqualTo(200);
        assertThat(kit.get(ingress, "/dashboard/secret.txt").statusCode()).isEqualTo(404);
    }
}
