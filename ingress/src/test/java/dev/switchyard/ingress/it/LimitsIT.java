package dev.switchyard.ingress.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Control;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.ingress.http.Json;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.first;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.text;
import static dev.switchyard.ingress.it.IngressKit.WAIT;
import static dev.switchyard.ingress.it.IngressKit.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** The overload guard (an instance with one slot) and the request deadline (an instance with a 2 s timeout). */
@ExtendWith(SharedServices.class)
@Timeout(120)
class LimitsIT {
    private static IngressKit kit;
    private static IngressService ingress;
    private static IngressService shortDeadline;
    private static IngressService impatient;
    private static TopicTail<ChatRequest> requests;
    private static TopicTail<Control> control;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c.withMaxInFlight(1));
        shortDeadline = kit.start(c -> c.withRequestTimeout(Duration.ofSeconds(2)));
        impatient = kit.start(c -> c.withSlowClientTimeout(Duration.ofSeconds(1)));
        requests = kit.requests();
        control = kit.control();
    }

    @AfterAll
    static void stop() throws Exception {
        requests.close();
        control.close();
        ingress.close();
        shortDeadline.close();
        impatient.close();
        kit.close();
    }

    @Test
    void beyondMaxInFlightTheAnswerIs429AtOnce() {
        String marker = "m-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> holding = kit.sendAsync(kit.post(ingress, "/v1/chat/completions",
                chatBody("gpt-5.2", marker, false, "")).build());
        ChatRequest request = requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();

        HttpResponse<String> refused = kit.send(kit.post(ingress, "/v1/chat/completions", chatBody("gpt-5.2", "second", false, "")).build());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(Json.parse(Buffer.buffer(refused.body())).at("/error/type").asText()).isEqualTo("rate_limit_error");

        kit.reply(request, first(request.getRequestId(), "w-1", "done", List.of()), last(request.getRequestId(), "w-1", 1, "stop", null, List.of()));
        assertThat(holding.join().statusCode()).isEqualTo(200);
        // The slot is free again.
        String next = "m-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> again = kit.sendAsync(kit.post(ingress, "/v1/chat/completions", chatBody("gpt-5.2", next, false, "")).build());
        ChatRequest nextRequest = requests.await(r -> r.value().getMessagesJson().contains(next), WAIT).value();
        kit.reply(nextRequest, first(nextRequest.getRequestId(), "w-1", "ok", List.of()), last(nextRequest.getRequestId(), "w-1", 1, "stop", null, List.of()));
        assertThat(again.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aStreamingClientThatStopsReadingIsCancelledAndCutOffWhileOthersAreServed() throws Exception {
        String marker = "m-" + UUID.randomUUID();
        String body = chatBody("gpt-5.2", marker, true, "");
        try (Socket stalled = new Socket("127.0.0.1", impatient.port())) {
            // A client that sends its request and then never reads a byte of the answer.
            stalled.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            stalled.getOutputStream().flush();
            ChatRequest request = requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();

            // 24 MiB of answer: more than the kernel's socket buffers and the 4 MiB ingress holds for a client.
            String piece = "x".repeat(64 * 1024);
            kit.reply(request, first(request.getRequestId(), "w-1", "Start", List.of()));
            for (int seq = 1; seq <= 384; seq++) {
                kit.reply(request, text(request.getRequestId(), "w-1", seq, piece));
            }

            Control cancel = control.await(r -> r.key().equals(request.getRequestId()), WAIT).value();
            assertThat(cancel.getReason()).isEqualTo("client_too_slow");
            // Its connection is closed: once the client reads what the kernel held, the stream ends without [DONE].
            stalled.setSoTimeout((int) WAIT.toMillis());
            byte[] all = stalled.getInputStream().readAllBytes();
            assertThat(new String(all, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").doesNotContain("[DONE]");
        }

        // The instance goes on serving everyone else.
        String next = "m-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> answer = kit.sendAsync(kit.post(impatient, "/v1/chat/completions",
                chatBody("gpt-5.2", next, true, "")).build());
        ChatRequest nextRequest = requests.await(r -> r.value().getMessagesJson().contains(next), WAIT).value();
        kit.reply(nextRequest, first(nextRequest.getRequestId(), "w-1", "fine", List.of()),
                last(nextRequest.getRequestId(), "w-1", 1, "stop", null, List.of()));
        assertThat(answer.join().body()).contains("fine").contains("[DONE]");
    }

    @Test
    void aRequestWithoutAFinalReplyBeforeItsDeadlineIs504AndCancelled() {
        String marker = "m-" + UUID.randomUUID();
        HttpResponse<String> answer = kit.send(kit.post(shortDeadline, "/v1/chat/completions", chatBody("gpt-5.2", marker, false, "")).build());
        ChatRequest request = requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();

        assertThat(answer.statusCode()).isEqualTo(504);
        JsonNode error = Json.parse(Buffer.buffer(answer.body())).get("error");
        assertThat(error.get("type").asText()).isEqualTo("timeout_error");
        assertThat(request.getDeadlineAt()).isEqualTo(request.getReceivedAt().plus(Duration.ofSeconds(2)));
        Control cancel = control.await(r -> r.key().equals(request.getRequestId()), WAIT).value();
        assertThat(cancel.getReason()).isEqualTo("deadline_exceeded");
    }

    @Test
    void aStreamPastItsDeadlineEndsWithAnErrorEvent() {
        String marker = "m-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> answer = kit.sendAsync(kit.post(shortDeadline, "/v1/chat/completions", chatBody("gpt-5.2", marker, true, "")).build());
        ChatRequest request = requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();
        kit.reply(request, first(request.getRequestId(), "w-1", "Start", List.of()));

        HttpResponse<String> response = answer.join();
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = response.body().lines().filter(l -> !l.isEmpty()).toList();
        assertThat(events).hasSize(2);
        assertThat(events.get(1)).startsWith("data: {\"error\":").contains("timeout_error");
        assertThat(control.await(r -> r.key().equals(request.getRequestId()), WAIT).value().getReason()).isEqualTo("deadline_exceeded");
    }

    @Test
    void closeStopsTakingRequestsAndLetsThoseInFlightFinish() {
        IngressService draining = kit.start(c -> c.withDrainTimeout(Duration.ofSeconds(60)));
        String marker = "m-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> inFlight = kit.sendAsync(kit.post(draining, "/v1/chat/completions", chatBody("gpt-5.2", marker, true, "")).build());
        ChatRequest request = requests.await(r -> r.value().getMessagesJson().contains(marker), WAIT).value();
        kit.reply(request, first(request.getRequestId(), "w-1", "Still ", List.of()));

        CompletableFuture<Void> closing = CompletableFuture.runAsync(draining::close);
        IngressKit.await(() -> !draining.isReady(), "the instance reports it is closing");
        // A new request is refused (connection refused, or 503 while the listener closes).
        CompletableFuture<HttpResponse<String>> late = kit.sendAsync(kit.post(draining, "/v1/chat/completions", chatBody("gpt-5.2", "late", false, "")).build());
        assertThat(late.handle((r, e) -> e != null || r.statusCode() == 503).join()).isTrue();
        assertThat(closing).isNotDone(); // it waits for the request in flight

        kit.reply(request, chunk(request.getRequestId(), "w-1", 1).setText("here.").build(), last(request.getRequestId(), "w-1", 2, "stop", null, List.of()));
        HttpResponse<String> answer = inFlight.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("Still ").contains("here.").endsWith("data: [DONE]\n\n");
        closing.join();
    }
}
