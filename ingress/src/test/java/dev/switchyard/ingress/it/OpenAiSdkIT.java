package dev.switchyard.ingress.it;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.switchyard.ingress.Chunks.attempt;
import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.text;
import static dev.switchyard.ingress.Chunks.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official OpenAI Java SDK against ingress (response validation on), with the test answering every request the
 * way the workers would: "Hello from <model>." in three chunks.
 */
@ExtendWith(SharedServices.class)
@Timeout(120)
class OpenAiSdkIT {
    private static IngressKit kit;
    private static IngressService ingress;
    private static TopicTail<ChatRequest> requests;
    private static Thread stages;
    private static volatile boolean running = true;
    private static final Map<String, ChatRequest> seen = new ConcurrentHashMap<>();
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        ingress = kit.start(c -> c);
        requests = kit.requests();
        stages = new Thread(OpenAiSdkIT::answerEveryRequest, "fake-stages");
        stages.setDaemon(true);
        stages.start();
        client = OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + ingress.port() + "/v1")
                .apiKey("sk-test-not-a-real-key")
                .responseValidation(true)
                .maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running = false;
        stages.join(5_000);
        client.close();
        requests.close();
        ingress.close();
        kit.close();
    }

    /** Plays routing engine + worker: answers each new request on its reply partition. */
    private static void answerEveryRequest() {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        while (running) {
            for (TopicTail.Rec<ChatRequest> record : requests.records()) {
                ChatRequest request = record.value();
                if (!answered.add(request.getRequestId())) {
                    continue;
                }
                seen.put(request.getRequestId(), request);
                String id = request.getRequestId();
                String model = request.getModel().startsWith("router/") ? "anthropic/claude-haiku-4-5" : request.getModel();
                kit.reply(request,
                        chunk(id, "w-1", 0).setModelId(model).setModelName(model.substring(model.indexOf('/') + 1))
                                .setRouterId(request.getModel().startsWith("router/") ? request.getModel().substring(7) : null)
                                .setAttempts(List.of(attempt(1, model, "ok", null))).setText("Hello from ").build(),
                        text(id, "w-1", 1, model.substring(model.indexOf('/') + 1)),
                        text(id, "w-1", 2, "."),
                        last(id, "w-1", 3, "stop", usage(12, 4, 0, 0, 0), List.of(attempt(1, model, "ok", 200))));
            }
            try {
                Thread.sleep(5); // polling the tail
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void nonStreaming() {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-5.2").addUserMessage("Say hello").user("sdk-user")
                        .temperature(0.2).putAdditionalBodyProperty("metadata", JsonValue.from(Map.of("language", "es")))
                        .build());
        ChatCompletion completion = response.parse();

        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).hasValue("Hello from gpt-5.2.");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("gpt-5.2");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(16);
        String requestId = response.headers().values("x-switchyard-request-id").get(0);
        ChatRequest request = seen.get(requestId);
        assertThat(request.getUserId()).isEqualTo("sdk-user");
        assertThat(request.getTemperature()).isEqualTo(0.2);
        assertThat(request.getMetadata()).containsEntry("language", "es");
        assertThat(request.toString()).doesNotContain("sk-test-not-a-real-key");
    }

    @Test
    void streaming() {
        StringBuilder text = new StringBuilder();
        ChatCompletionChunk[] lastChunk = new ChatCompletionChunk[1];
        long[] usageTotal = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("router/sdk-router").addUserMessage("Say hello")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usageTotal[0] = u.totalTokens());
                if (!chunk.choices().isEmpty()) {
                    lastChunk[0] = chunk;
                }
            });
        }
        assertThat(text.toString()).isEqualTo("Hello from claude-haiku-4-5.");
        assertThat(lastChunk[0].model()).isEqualTo("claude-haiku-4-5");
        assertThat(lastChunk[0].choices().get(0).finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        assertThat(usageTotal[0]).isEqualTo(16);
    }

    @Test
    void anUnknownModelIsTheSdksNotFoundError() {
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("acme/unknown").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("acme/unknown");
    }
}
