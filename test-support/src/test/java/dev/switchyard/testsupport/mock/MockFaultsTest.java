package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MockFaultsTest {
    static MockLlmProvider mock;
    static String openai;
    static String anthropic;

    @BeforeAll
    static void start() {
        mock = MockLlmProvider.start();
        openai = mock.openAiBaseUrl() + "/chat/completions";
        anthropic = mock.baseUrl() + "/v1/messages";
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
        mock.clearRequests();
    }

    static String oa(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + Json.quote(text) + "}]}";
    }

    static String an(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" + Json.quote(text)
                + "}]}]}";
    }

    @Test
    void rateLimitWithRetryAfter() {
        HttpResponse<String> r = Http.post(openai, oa("gpt-5.2", "hi [[mock:status=429]] [[mock:retry-after=2]]",
                true));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        JsonNode e = Http.json(r.body()).path("error");
        assertThat(e.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.has("param")).isTrue();

        r = Http.post(anthropic, an("claude-haiku-4-5", "hi [[mock:status=429]][[mock:retry-after=7]]", false));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("7");
        JsonNode j = Http.json(r.body());
        assertThat(j.path("type").asText()).isEqualTo("error");
        assertThat(j.path("error").path("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void serverErrors() {
        HttpResponse<String> r = Http.post(openai, oa("gpt-4o", "hi [[mock:status=500]]", false));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Http.json(r.body()).path("error").path("type").asText()).isEqualTo("server_error");

        r = Http.post(anthropic, an("claude-haiku-4-5", "[[mock:status=529]] hi", true));
        assertThat(r.statusCode()).isEqualTo(529);
        assertThat(Http.json(r.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");

        r = Http.post(anthropic, an("claude-haiku-4-5", "[[mock:status=500]] hi", false));
        assertThat(Http.json(r.body()).path("error").path("type").asText()).isEqualTo("api_error");
    }

    @Test
    void contextLength() {
        HttpResponse<String> r = Http.post(openai, oa("gpt-4o", "hi [[mock:context-length]]", false));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("code").asText()).isEqualTo("context_length_exceeded");

        r = Http.post(anthropic, an("claude-haiku-4-5", "hi [[mock:context-length]]", false));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = Http.json(r.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("message").asText()).startsWith("prompt is too long");

        mock.rule("small-model", MockBehaviour.none().withContextWindowTokens(10));
        assertThat(Http.post(openai, oa("small-model", "short", false)).statusCode()).isEqualTo(200);
        r = Http.post(openai, oa("small-model", "x".repeat(100), false));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .contains("maximum context length is 10 tokens");
    }

    @Test
    void dieAfterTruncatesTheStream() {
        long diedBefore = mock.diedCount();
        Http.Stream2 s = Http.stream(openai, oa("gpt-4o", "[[mock:die-after=3]] [[mock:chunks=10]] hi", true));
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.error()).as("the client sees the connection break").isNotNull();
        List<Http.Event> ev = s.events();
        assertThat(ev).hasSize(4); // role chunk + 3 content chunks
        assertThat(ev).noneMatch(e -> e.data().equals("[DONE]"));
        assertThat(mock.diedCount()).isEqualTo(diedBefore + 1);

        Http.Stream2 a = Http.stream(anthropic, an("claude-haiku-4-5", "[[mock:die-after=2]] [[mock:inter-token=5]]",
                true));
        assertThat(a.error()).isNotNull();
        assertThat(a.events()).extracting(Http.Event::event).containsExactly("message_start",
                "content_block_start", "ping", "content_block_delta", "content_block_delta");
    }

    @Test
    void errorAfterEndsTheStreamWithAnErrorEvent() {
        Http.Stream2 s = Http.stream(anthropic, an("claude-haiku-4-5", "[[mock:error-after=2]] hi", true));
        assertThat(s.error()).isNull();
        List<Http.Event> ev = s.events();
        assertThat(ev.get(ev.size() - 1).event()).isEqualTo("error");
        assertThat(ev.get(ev.size() - 1).json().path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(ev).noneMatch(e -> "message_stop".equals(e.event()));

        Http.Stream2 o = Http.stream(openai, oa("gpt-4o", "[[mock:error-after=1]] hi", true));
        List<Http.Event> oev = o.events();
        assertThat(oev).hasSize(3); // role chunk, 1 content chunk, error
        assertThat(oev.get(2).json().path("error").path("type").asText()).isEqualTo("server_error");
    }

    @Test
    void hangUntilTheClientLeavesCountsAsCancelled() throws Exception {
        long before = mock.cancelledCount();
        String body = oa("gpt-4o", "[[mock:hang]] hi", true);
        try (Socket socket = new Socket("127.0.0.1", mock.port())) {
            OutputStream out = socket.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            mock.awaitRequests(1, Duration.ofSeconds(10));
            assertThat(mock.inFlightCount()).isEqualTo(1);
            assertThat(mock.cancelledCount()).isEqualTo(before);
        }
        mock.awaitCancelled(before + 1, Duration.ofSeconds(10));
        assertThat(mock.inFlightCount()).isZero();
    }

    @Test
    void clientLeavingMidStreamCountsAsCancelled() throws Exception {
        long before = mock.cancelledCount();
        String body = an("claude-haiku-4-5", "[[mock:chunks=1000]] [[mock:inter-token=20]]", true);
        try (Socket socket = new Socket("127.0.0.1", mock.port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    + "\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            StringBuilder got = new StringBuilder();
            while (!got.toString().contains("content_block_delta")) { // wait for the first token
                int c = in.read();
                assertThat(c).isNotNegative();
                got.append((char) c);
            }
            assertThat(got.toString()).startsWith("HTTP/1.1 200");
        }
        mock.awaitCancelled(before + 1, Duration.ofSeconds(10));
    }

    @Test
    void failNextThenNormal() {
        mock.failNext("gpt-4o", 2, MockBehaviour.error(503));
        assertThat(Http.post(openai, oa("gpt-4o", "hi", false)).statusCode()).isEqualTo(503);
        assertThat(Http.post(openai, oa("gpt-4o-mini", "hi", false)).statusCode()).isEqualTo(200);
        assertThat(Http.post(openai, oa("gpt-4o", "hi", false)).statusCode()).isEqualTo(503);
        assertThat(Http.post(openai, oa("gpt-4o", "hi", false)).statusCode()).isEqualTo(200);

        mock.failNext("*", 1, MockBehaviour.rateLimited(3));
        HttpResponse<String> r = Http.post(anthropic, an("claude-haiku-4-5", "hi", false));
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).hasValue("3");
        assertThat(Http.post(anthropic, an("claude-haiku-4-5", "hi", false)).statusCode()).isEqualTo(200);
    }

    @Test
    void layering() {
        mock.defaultBehaviour(MockBehaviour.ofChunks(2));
        mock.rule("gpt-4o", MockBehaviour.ofChunks(4));
        assertThat(completionTokens(oa("gpt-4o-mini", "hi", false))).isEqualTo(2);
        assertThat(completionTokens(oa("gpt-4o", "hi", false))).isEqualTo(4);
        assertThat(completionTokens(oa("gpt-4o", "hi [[mock:chunks=7]]", false))).isEqualTo(7);
        mock.rule("gpt-4o", MockBehaviour.ofChunks(3).withText("fixed answer text"));
        JsonNode j = Http.json(Http.post(openai, oa("gpt-4o", "hi", false)).body());
        assertThat(j.path("choices").get(0).path("message").path("content").asText()).isEqualTo("fixed answer text ");
    }

    private static int completionTokens(String body) {
        return Http.json(Http.post(openai, body).body()).path("usage").path("completion_tokens").asInt();
    }

    @Test
    void slowAnswerStillCompletes() {
        Http.Stream2 s = Http.stream(openai, oa("gpt-4o", "[[mock:ttft=30]][[mock:inter-token=5]][[mock:chunks=3]]",
                true));
        assertThat(s.error()).isNull();
        assertThat(s.events()).hasSize(6);
        s = Http.stream(openai, oa("gpt-4o", "[[mock:ttft=30]][[mock:headers-after-ttft]]", true));
        assertThat(s.events().get(s.events().size() - 1).data()).isEqualTo("[DONE]");
    }

    @Test
    void unknownPathIs404AndHealthIsUp() throws Exception {
        HttpResponse<String> r = Http.post(mock.baseUrl() + "/v1/completions", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        var health = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(mock.baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }
}
