package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ControlAction;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.switchyard.ingress.Chunks.attempt;
import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.error;
import static dev.switchyard.ingress.Chunks.first;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.text;
import static dev.switchyard.ingress.Chunks.usage;
import static dev.switchyard.ingress.it.IngressKit.WAIT;
import static dev.switchyard.ingress.it.IngressKit.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** POST /v1/chat/completions through the real broker: the test plays the routing engine and the provider workers. */
@ExtendWith(SharedServices.class)
@Timeout(120)
class ChatCompletionsIT {
    private static IngressKit kit;
    private static IngressService ingress;
    private static TopicTail<ChatRequest> requests;
    private static TopicTail<dev.switchyard.events.Control> control;
    private static final AtomicBoolean engineReady = new AtomicBoolean(true);

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
        ingress.registerHealthCheck("routing_engine", engineReady::get);
        requests = kit.requests();
        control = kit.control();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[]{requests, control, ingress, kit}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    private static String marker() {
        return "m-" + UUID.randomUUID();
    }

    private static ChatRequest awaitRequest(String marker) {
        return requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();
    }

    private static List<String> events(String body) {
        return body.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void streamingAnswerIsOpenAiSseWithSwitchyardHeaders() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                        chatBody("router/support", marker, true, "\"stream_options\":{\"include_usage\":true},"
                                + "\"metadata\":{\"language\":\"es\",\"vip\":true,\"age\":42,\"score\":0.5},\"user\":\"user-7\"")
                        ).header("x-switchyard-metadata-language", "en").header("x-switchyard-metadata-country", "ES")
                .header("authorization", "Bearer sk-test-secret").build());

        ChatRequest request = awaitRequest(marker);
        assertThat(request.getStream()).isTrue();
        assertThat(request.getIncludeUsage()).isTrue();
        assertThat(request.getModel()).isEqualTo("router/support");
        assertThat(request.getUserId()).isEqualTo("user-7");
        assertThat(request.getMetadata()).containsEntry("language", "es").containsEntry("country", "ES")
                .containsEntry("vip", true).containsEntry("age", 42L).containsEntry("score", 0.5);
        assertThat(request.getReplyTo().getTopic()).isEqualTo(Topics.REPLIES);
        assertThat(ingress.replyPartitions()).contains(request.getReplyTo().getPartition());
        assertThat(request.toString()).doesNotContain("sk-test-secret");

        kit.reply(request,
                first(request.getRequestId(), "w1-1", "Hola", List.of(attempt(1, "openai/gpt-5.2", "error", 500), attempt(2, "anthropic/claude-haiku-4-5", "ok", null))),
                text(request.getRequestId(), "w1-1", 1, " mundo"),
                last(request.getRequestId(), "w1-1", 2, "stop", usage(8, 2, 0, 0, 0), List.of()));

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(answer.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(answer.headers().firstValue("x-switchyard-request-id")).hasValue(request.getRequestId());
        assertThat(answer.headers().firstValue("x-switchyard-router")).hasValue("support");
        assertThat(answer.headers().firstValue("x-switchyard-route")).hasValue("r-es");
        assertThat(answer.headers().firstValue("x-switchyard-variant")).hasValue("v-gpt");
        assertThat(answer.headers().firstValue("x-switchyard-attempts")).hasValue("openai/gpt-5.2:error:500,anthropic/claude-haiku-4-5:ok");

        String id = "chatcmpl-" + request.getRequestId().substring(4);
        long created = request.getReceivedAt().getEpochSecond();
        String head = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":\"gpt-5.2-2025-12-11\",";
        assertThat(events(answer.body())).containsExactly(
                head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hola\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" mundo\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
                head + "\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
                "data: [DONE]");
    }

    @Test
    void anErrorThatSaysWhenToTryAgainIsARetryAfterHeader() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("openai/gpt-5.2", marker, true, "")).build());
        ChatRequest request = awaitRequest(marker);
        kit.reply(request, chunk(request.getRequestId(), "w1-1", 0).setFinal$(true)
                .setError(new dev.switchyard.events.ReplyError(429, "rate_limit_error", "rate_limited", null,
                        "openai/gpt-5.2 is rate-limited (Retry-After)", 17)).build());

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("retry-after")).hasValue("17");
        assertThat(answer.body()).contains("\"type\":\"rate_limit_error\"");
    }

    @Test
    void servesOnTheEpollTransportOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the epoll library on the class path is the linux-x86_64 one");
        assertThat(ingress.nativeTransport()).as("Vert.x on epoll (is netty-transport-native-epoll on the class path?)").isTrue();
    }

    @Test
    void nonStreamingAnswerIsOneChatCompletion() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("gpt-5.2", marker, false, "")).header("x-switchyard-user", "header-user").build());

        ChatRequest request = awaitRequest(marker);
        assertThat(request.getModel()).isEqualTo("openai/gpt-5.2");
        assertThat(request.getUserId()).isEqualTo("header-user");
        // a duplicate and an out-of-order chunk on the way: delivered once, in order
        kit.reply(request,
                text(request.getRequestId(), "w1-1", 1, " world"),
                chunk(request.getRequestId(), "w1-1", 0).setModelId("openai/gpt-5.2").setModelName("gpt-5.2")
                        .setAttempts(List.of(attempt(1, "openai/gpt-5.2", "ok", null))).setText("Hello").build(),
                text(request.getRequestId(), "w1-1", 1, " world"),
                last(request.getRequestId(), "w1-1", 2, "stop", usage(5, 2, 1, 0, 0), List.of(attempt(1, "openai/gpt-5.2", "ok", 200))));

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(answer.headers().firstValue("x-switchyard-request-id")).hasValue(request.getRequestId());
        assertThat(answer.headers().firstValue("x-switchyard-attempts")).hasValue("openai/gpt-5.2:ok");
        assertThat(answer.headers().firstValue("x-switchyard-router")).isEmpty();
        JsonNode body = Json.parse(Buffer.buffer(answer.body()));
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("model").asText()).isEqualTo("gpt-5.2");
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello world");
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(6);
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(8);
    }

    @Test
    void aRoutingErrorBeforeAnyByteIsItsStatusAndOpenAiErrorBody() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("router/nope", marker, true, "")).build());
        ChatRequest request = awaitRequest(marker);
        kit.reply(request, chunk(request.getRequestId(), "routing", 0).setAttempt(0).setFinal$(true)
                .setError(new dev.switchyard.events.ReplyError(404, "not_found_error", "router_not_found", "model", "router 'nope' does not exist", null)).build());

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(answer.body()).isEqualTo("{\"error\":{\"message\":\"router 'nope' does not exist\",\"type\":\"not_found_error\",\"param\":\"model\",\"code\":\"router_not_found\"}}");
    }

    @Test
    void aFailureAfterBytesEndsTheStreamWithAnErrorEventAndNoDone() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("gpt-5.2", marker, true, "")).build());
        ChatRequest request = awaitRequest(marker);
        kit.reply(request, first(request.getRequestId(), "w1-1", "Hel", List.of()),
                error(request.getRequestId(), "w1-1", 1, 502, "upstream_error", "provider_error", "the provider connection dropped"));

        HttpResponse<String> answer = response.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        List<String> events = events(answer.body());
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).contains("\"content\":\"Hel\"");
        assertThat(events.get(1)).isEqualTo("data: {\"error\":{\"message\":\"the provider connection dropped\",\"type\":\"upstream_error\",\"param\":null,\"code\":\"provider_error\"}}");
    }

    @Test
    void aSecondAttemptAfterBytesEndsTheStreamWithAnErrorAndCancels() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("gpt-5.2", marker, true, "")).build());
        ChatRequest request = awaitRequest(marker);
        kit.reply(request, first(request.getRequestId(), "w1-1", "Hel", List.of()),
                first(request.getRequestId(), "w2-1", "Bonjour", List.of()));

        HttpResponse<String> answer = response.join();
        List<String> events = events(answer.body());
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).startsWith("data: {\"error\":").contains("stream_interrupted");
        assertThat(answer.body()).doesNotContain("Bonjour").doesNotContain("[DONE]");
        assertThat(control.await(r -> r.key().equals(request.getRequestId()), WAIT).value().getReason()).isEqualTo("stream_interrupted");
    }

    @Test
    void badInputIs400AndNothingIsPublished() {
        long before = kit.endOffsets(Topics.REQUESTS);
        for (String body : List.of("{\"model\":", "{\"model\":\"gpt-5.2\"}", "{\"model\":\"gpt-5.2\",\"messages\":\"hi\"}",
                "{\"model\":\"gpt-5.2\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}")) {
            HttpResponse<String> answer = kit.send(kit.post(ingress, "/v1/chat/completions", body).build());
            assertThat(answer.statusCode()).as(body).isEqualTo(400);
            JsonNode error = Json.parse(Buffer.buffer(answer.body())).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.has("param") && error.has("code") && error.has("message")).isTrue();
        }
        HttpResponse<String> unknown = kit.send(kit.post(ingress, "/v1/chat/completions", chatBody("acme/unknown-9", "x", false, "")).build());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(Buffer.buffer(unknown.body())).at("/error/code").asText()).isEqualTo("model_not_found");

        // A good request afterwards is the only new record.
        String marker = marker();
        CompletableFuture<HttpResponse<String>> good = kit.sendAsync(kit.post(ingress, "/v1/chat/completions", chatBody("gpt-5.2", marker, false, "")).build());
        ChatRequest request = awaitRequest(marker);
        assertThat(kit.endOffsets(Topics.REQUESTS)).isEqualTo(before + 1);
        kit.reply(request, first(request.getRequestId(), "w-1", "ok", List.of()), last(request.getRequestId(), "w-1", 1, "stop", null, List.of()));
        assertThat(good.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestJustUnderTheBodyLimitIsQueuedWholeAndAnswered() {
        // An image or a PDF inline is megabytes of base64: Kafka's 1 MB default record limit refused it as "unavailable".
        String marker = marker();
        String text = marker + " " + "a".repeat((int) IngressConfig.DEFAULT_MAX_BODY_BYTES - 64 * 1024);
        CompletableFuture<HttpResponse<String>> answer = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("gpt-5.2", text, false, "")).build());
        ChatRequest request = awaitRequest(marker);
        assertThat(request.getMessagesJson()).contains(text);
        kit.reply(request, first(request.getRequestId(), "w-1", "ok", List.of()), last(request.getRequestId(), "w-1", 1, "stop", null, List.of()));
        assertThat(answer.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestTooLargeForAKafkaRecordIsA413NotUnavailable() {
        IngressService generous = kit.start(c -> c.withMaxBodyBytes(32L * 1024 * 1024));
        try {
            String big = "x".repeat(KafkaSettings.MAX_RECORD_BYTES + 1);
            HttpResponse<String> answer = kit.send(kit.post(generous, "/v1/chat/completions", chatBody("gpt-5.2", big, false, "")).build());
            assertThat(answer.statusCode()).isEqualTo(413);
            assertThat(Json.parse(Buffer.buffer(answer.body())).at("/error/code").asText()).isEqualTo("request_too_large");
        } finally {
            generous.close();
        }
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "x".repeat((int) IngressConfig.DEFAULT_MAX_BODY_BYTES + 1);
        HttpResponse<String> answer = kit.send(kit.post(ingress, "/v1/chat/completions", chatBody("gpt-5.2", big, false, "")).build());
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(Json.parse(Buffer.buffer(answer.body())).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aClientThatDisconnectsCancelsItsRequest() throws Exception {
        String marker = marker();
        byte[] body = chatBody("gpt-5.2", marker, true, "").getBytes(StandardCharsets.UTF_8);
        ChatRequest request;
        try (Socket socket = new Socket("127.0.0.1", ingress.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            request = awaitRequest(marker);
            kit.reply(request, first(request.getRequestId(), "w-1", "Once upon", List.of()));
            InputStream in = socket.getInputStream();
            String start = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(start).isEqualTo("HTTP/1.1 200"); // streaming had begun
        }
        var cancel = control.await(r -> r.key().equals(request.getRequestId()), WAIT).value();
        assertThat(cancel.getAction()).isEqualTo(ControlAction.CANCEL);
        assertThat(cancel.getReason()).isEqualTo("client_disconnected");
        assertThat(cancel.getRequestId()).isEqualTo(request.getRequestId());
    }

    @Test
    void healthNamesEveryCheckAnd503WhenOneIsNotReady() {
        HttpResponse<String> ok = kit.get(ingress, "/health");
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(Buffer.buffer(ok.body()));
        assertThat(body.get("status").asText()).isEqualTo("ok");
        assertThat(body.get("checks").fieldNames()).toIterable()
                .contains("kafka_producer", "reply_partitions", "router_store", "routing_engine");

        engineReady.set(false);
        try {
            HttpResponse<String> down = kit.get(ingress, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            JsonNode checks = Json.parse(Buffer.buffer(down.body())).get("checks");
            assertThat(checks.get("routing_engine").asBoolean()).isFalse();
            assertThat(checks.get("reply_partitions").asBoolean()).isTrue();
            assertThat(ingress.isReady()).isFalse();
        } finally {
            engineReady.set(true);
        }
    }

    @Test
    void modelsListsTheCatalogInOpenAisShape() {
        HttpResponse<String> answer = kit.get(ingress, "/v1/models");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(Buffer.buffer(answer.body()));
        assertThat(body.get("object").asText()).isEqualTo("list");
        assertThat(body.get("data").findValuesAsText("id")).contains("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        assertThat(body.get("data").get(0).fieldNames()).toIterable().containsExactly("id", "object", "created", "owned_by");
    }

    @Test
    void metricsArePrometheusText() {
        kit.send(kit.post(ingress, "/v1/chat/completions", "{}").build()); // at least one counted request
        HttpResponse<String> answer = kit.get(ingress, "/metrics");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(answer.body()).contains("switchyard_ingress_requests_total{").contains("switchyard_ingress_in_flight_requests");
    }

    @Test
    void anthropicAnswersCarryRequestIdAndItsErrorsAreAnthropicsShapeEvenBeforeAnEndpoint() {
        String marker = marker();
        CompletableFuture<HttpResponse<String>> response = kit.sendAsync(kit.post(ingress, "/v1/messages",
                "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + marker + "\"}]}")
                .header("anthropic-version", "2023-06-01").build());
        ChatRequest request = awaitRequest(marker);
        kit.reply(request, chunk(request.getRequestId(), "w-1", 0).setModelId("anthropic/claude-haiku-4-5").setFinal$(true)
                .setError(new dev.switchyard.events.ReplyError(529, "overloaded_error", null, null, "Overloaded", null)).build());
        HttpResponse<String> overloaded = response.join();
        assertThat(overloaded.statusCode()).isEqualTo(529);
        assertThat(overloaded.headers().firstValue("request-id")).as("what Anthropic's SDKs read").hasValue(request.getRequestId());
        assertThat(Json.parse(Buffer.buffer(overloaded.body())).get("request_id").asText()).isEqualTo(request.getRequestId());

        HttpResponse<String> refused = kit.send(kit.post(ingress, "/v1/messages", "{\"model\":\"claude-haiku-4-5\"}").build());
        assertThat(refused.statusCode()).isEqualTo(400);
        String refusedId = refused.headers().firstValue("request-id").orElseThrow();
        assertThat(refusedId).startsWith("req_");
        assertThat(Json.parse(Buffer.buffer(refused.body())).get("request_id").asText()).isEqualTo(refusedId);

        String big = "x".repeat((int) IngressConfig.DEFAULT_MAX_BODY_BYTES + 1);
        HttpResponse<String> tooLarge = kit.send(kit.post(ingress, "/v1/messages", chatBody("claude-haiku-4-5", big, false, "")).build());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertAnthropicError(tooLarge, "request_too_large");
        assertAnthropicError(kit.method(ingress, "GET", "/v1/messages", null), "invalid_request_error"); // 405
        assertAnthropicError(kit.method(ingress, "POST", "/v1/messages/batches", "{}"), "not_found_error");
        HttpResponse<String> unknown = kit.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingress.port() + "/v1/complete"))
                .header("anthropic-version", "2023-06-01").GET().build());
        assertAnthropicError(unknown, "not_found_error");
    }

    private static void assertAnthropicError(HttpResponse<String> answer, String type) {
        JsonNode body = Json.parse(Buffer.buffer(answer.body()));
        assertThat(body.get("type").asText()).as(answer.body()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).as(answer.body()).isEqualTo(type);
        assertThat(body.at("/error/message").asText()).isNotEmpty();
        assertThat(body.get("request_id").asText()).isEqualTo(answer.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void unknownPathsAnswerInOpenAisErrorShape() {
        HttpResponse<String> answer = kit.get(ingress, "/v1/nothing-here");
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(Json.parse(Buffer.buffer(answer.body())).at("/error/type").asText()).isEqualTo("invalid_request_error");
    }
}
