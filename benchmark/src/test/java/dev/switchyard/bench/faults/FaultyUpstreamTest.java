package dev.switchyard.bench.faults;

import dev.switchyard.testsupport.mock.MockLlmProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The faulty upstream hangs exactly its share of the calls, evenly spread, and streams the others from the mock. */
@Timeout(60)
class FaultyUpstreamTest {

    @Test
    void hangsItsShareOfCallsAndPassesTheOthersThrough() throws Exception {
        try (MockLlmProvider mock = MockLlmProvider.start();
             FaultyUpstream faulty = FaultyUpstream.start(mock.baseUrl(), 0.25)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(faulty.baseUrl() + "/chat/completions"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"grok-4.3\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi [[mock:chunks=3]]\"}]}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // Every fourth call to arrive hangs; the six others are answered by the mock, streamed through.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (calls.stream().filter(CompletableFuture::isDone).count() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling the futures
            }
            List<HttpResponse<String>> answered = calls.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
            assertThat(answered).hasSize(6).allSatisfy(response -> {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"content\":\"grok-4.3. \"").endsWith("data: [DONE]\n\n");
            });
            assertThat(faulty.hung()).isEqualTo(2);
            assertThat(faulty.calls()).isEqualTo(8);
            calls.forEach(c -> c.cancel(true));
        }
    }

    @Test
    void theFallbackPolicyOfTheRequestsIsTheOneAsked() {
        assertThat(FaultInjection.fallbackJson("ttft:500ms")).isEqualTo("{\"models\":[\"openai/gpt-4o\"],\"ttft_timeout\":\"500ms\"}");
        assertThat(FaultInjection.fallbackJson("hedge:0.3s")).isEqualTo("{\"models\":[\"openai/gpt-4o\"],\"hedge_after\":\"0.3s\"}");
    }
}
