package dev.switchyard.ingress.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.events.MetricDefinition;
import dev.switchyard.events.MetricDirection;
import dev.switchyard.events.MetricKind;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.ingress.http.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeedbackParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static RouterConfig router(String id, MetricDefinition... metrics) {
        return RouterConfig.newBuilder().setId(id).setVersion(1)
                .setRoutes(List.of(new Route("main", null, List.of(new Variant("a", "openai/gpt-5.2", 100)), List.of())))
                .setMetrics(List.of(metrics)).setCreatedAt(NOW).setUpdatedAt(NOW).build();
    }

    private final Map<String, RouterConfig> routers = Map.of(
            "shop", router("shop", new MetricDefinition("conversion", MetricKind.BOOLEAN, MetricDirection.INCREASE, null),
                    new MetricDefinition("satisfaction", MetricKind.FLOAT, MetricDirection.INCREASE, null),
                    new MetricDefinition("retained", MetricKind.RETENTION, MetricDirection.INCREASE, 7)),
            "plain", router("plain"));
    private final FeedbackParser parser = new FeedbackParser(id -> Optional.ofNullable(routers.get(id)), routers::values);

    private FeedbackParser.Parsed parse(String body) throws Exception {
        return parser.parse(JSON.readTree(body), NOW);
    }

    private ApiException refused(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (ApiException) org.assertj.core.api.Assertions.catchThrowable(() -> parser.parse(node, NOW));
    }

    @Test
    void feedbackByRequestIdIsKeyedByTheRequest() throws Exception {
        FeedbackParser.Parsed p = parse("{\"request_id\":\"req_1\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":true}");
        assertThat(p.key()).isEqualTo("req_1");
        assertThat(p.feedback().getRequestId()).isEqualTo("req_1");
        assertThat(p.feedback().getRouterId()).isEqualTo("shop");
        assertThat(p.feedback().getValue()).isEqualTo(1.0);
        assertThat(p.feedback().getTimestamp()).isEqualTo(NOW);
        assertThat(p.feedback().getFeedbackId()).startsWith("fb_");
    }

    @Test
    void feedbackByUserIsKeyedByRouterAndUser() throws Exception {
        FeedbackParser.Parsed p = parse("{\"user\":\"alice\",\"router\":\"router/shop\",\"metric\":\"satisfaction\",\"value\":4.5,"
                + "\"timestamp\":\"2026-11-23T08:00:00+01:00\"}");
        assertThat(p.key()).isEqualTo("shop|alice");
        assertThat(p.feedback().getUserId()).isEqualTo("alice");
        assertThat(p.feedback().getRouterId()).isEqualTo("shop");
        assertThat(p.feedback().getValue()).isEqualTo(4.5);
        assertThat(p.feedback().getTimestamp()).isEqualTo(Instant.parse("2026-11-23T07:00:00Z"));
        assertThat(parse("{\"user\":\"bob\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":0,\"timestamp\":1795000000}")
                .feedback().getTimestamp()).isEqualTo(Instant.ofEpochSecond(1_795_000_000L));
    }

    @Test
    void withoutARouterTheMetricMustBeDeclaredBySomeRouter() throws Exception {
        FeedbackParser.Parsed p = parse("{\"request_id\":\"req_2\",\"metric\":\"conversion\",\"value\":0}");
        assertThat(p.key()).isEqualTo("req_2");
        assertThat(p.feedback().getRouterId()).isNull();
        assertThat(p.feedback().getValue()).isEqualTo(0.0);
        assertThat(refused("{\"request_id\":\"req_2\",\"metric\":\"nps\",\"value\":1}").code()).isEqualTo("unknown_metric");
        assertThat(refused("{\"request_id\":\"req_2\",\"metric\":\"conversion\",\"value\":0.5}").param()).isEqualTo("value");
    }

    @ParameterizedTest(name = "{0} → {1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"nps\",\"value\":1}|unknown_metric|metric",
            "{\"request_id\":\"r\",\"router\":\"plain\",\"metric\":\"conversion\",\"value\":1}|unknown_metric|metric",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":2}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":\"yes\"}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":0.5}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"satisfaction\",\"value\":true}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"satisfaction\",\"value\":\"4\"}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"satisfaction\",\"value\":[4]}|invalid_value|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"retained\",\"value\":1}|computed_metric|metric",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\"}|missing_required_parameter|value",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"value\":1}|missing_required_parameter|metric",
            "{\"router\":\"shop\",\"metric\":\"conversion\",\"value\":1}|missing_required_parameter|request_id",
            "{\"user\":\"alice\",\"metric\":\"conversion\",\"value\":1}|missing_required_parameter|router",
            "{\"request_id\":7,\"router\":\"shop\",\"metric\":\"conversion\",\"value\":1}|invalid_type|request_id",
            "{\"request_id\":\"\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":1}|invalid_value|request_id",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":1,\"timestamp\":\"yesterday\"}|invalid_value|timestamp",
            "{\"request_id\":\"r\",\"router\":\"shop\",\"metric\":\"conversion\",\"value\":1,\"score\":5}|unknown_parameter|score",
            "[1,2]|invalid_type|",
    })
    void malformedFeedbackIsA400NamingTheParameter(String body, String code, String param) {
        ApiException e = refused(body);
        assertThat(e).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void anUnknownRouterIsA404() {
        assertThatThrownBy(() -> parse("{\"user\":\"u\",\"router\":\"nope\",\"metric\":\"conversion\",\"value\":1}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("router_not_found");
                });
    }
}
