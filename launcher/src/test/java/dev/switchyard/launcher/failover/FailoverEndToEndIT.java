package dev.switchyard.launcher.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.engine.pipeline.EngineConfig;
import dev.switchyard.engine.pipeline.RoutingEngineService;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.ingress.IngressConfig;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.launcher.testkit.ChatCall;
import dev.switchyard.launcher.testkit.CompletionTail;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.mock.MockBehaviour;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import dev.switchyard.testsupport.mock.RecordedRequest;
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.workers.ProviderWorkerService;
import dev.switchyard.workers.WorkerConfig;
import dev.switchyard.workers.health.HealthSettings;
import dev.switchyard.workers.providers.ProvidersConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover as a client sees it, through the whole pipeline in one JVM (ingress, routing engine, a provider worker, the
 * mock provider; real broker and registry): for each fault the mock injects, the exact attempt sequence (the
 * {@code x-switchyard-attempts} header, which a streaming answer sends with its first byte, so the answering attempt is
 * still {@code streaming} there; and the Completion), the client-visible stream, and the recorded Completion.
 * Every test uses its own models, so the circuit and Retry-After state one test creates doesn't leak into another.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailoverEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BACKUP = "anthropic/claude-haiku-4-5";

    private static MockLlmProvider mock;
    private static RoutingEngineService engine;
    private static ProviderWorkerService worker;
    private static IngressService ingress;
    private static CompletionTail completions;
    private static String baseUrl;

    @BeforeAll
    static void startStack() {
        SharedServices.startAll();
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
        serdes.registerAll();
        KafkaSettings kafka = new KafkaSettings(bootstrap, "failover-it");
        ModelCatalog catalog = ModelCatalog.builtIn();
        String id = UUID.randomUUID().toString().substring(0, 8);
        mock = MockLlmProvider.builder().strictHeaders(true).start();
        engine = new RoutingEngineService(EngineConfig.defaults("engine-" + id), kafka, serdes, catalog).start();
        worker = new ProviderWorkerService(WorkerConfig.defaults(ProvidersConfig.mock(mock.baseUrl()))
                .withHealth(HealthSettings.DEFAULTS.withConsecutiveFailures(3).withCoolDown(Duration.ofSeconds(1))),
                kafka, serdes, catalog).start();
        ingress = new IngressService(IngressConfig.defaults(kafka, serdes, catalog).withPort(0).withInstanceId("ingress-" + id)).start();
        completions = new CompletionTail(bootstrap, serdes);
        baseUrl = "http://127.0.0.1:" + ingress.port();
        Await.until(WAIT, () -> engine.isReady() && worker.isReady() && ingress.isReady(), ready -> ready, "the stack to be ready");
    }

    @AfterAll
    static void stopStack() {
        for (AutoCloseable part : new AutoCloseable[]{completions, ingress, worker, engine, mock}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void resetMock() {
        mock.reset();
    }

    @Test
    void aRateLimitedModelIsSkippedUntilItsRetryAfterAndTheHealthEndpointSaysSo() throws Exception {
        // A model no other test calls: its Retry-After lives on in provider.health, which every stack on the shared
        // broker reads, for a minute after this test.
        mock.failNext("gpt-4.1-2025-04-14", 1, MockBehaviour.rateLimited(60));
        String fallback = "{\"models\":[\"" + BACKUP + "\"]}";

        ChatCall first = stream("openai/gpt-4.1-2025-04-14", "Rate limited", fallback);
        assertThat(first.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-2025-04-14:rate_limited:429," + BACKUP + ":streaming");
        assertThat(first.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(first.done()).isTrue();
        assertThat(outcomes(completion(first))).containsExactly("rate_limited", "ok");

        ChatCall second = stream("openai/gpt-4.1-2025-04-14", "Still rate limited", fallback);
        assertThat(second.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-2025-04-14:skipped_unhealthy:429," + BACKUP + ":streaming");
        Completion skipped = completion(second);
        assertThat(outcomes(skipped)).containsExactly("skipped_unhealthy", "ok");
        assertThat(skipped.getAttempts().get(0).getReason()).startsWith("Retry-After until");
        assertThat(mock.requests("gpt-4.1-2025-04-14")).hasSize(1);

        // With nothing else to call, the client is told when to come back.
        ChatCall alone = stream("openai/gpt-4.1-2025-04-14", "Only the rate-limited model", null);
        assertThat(alone.status()).isEqualTo(429);
        assertThat(alone.header("retry-after")).hasValueSatisfying(
                seconds -> assertThat(Integer.parseInt(seconds)).isBetween(50, 60));
        assertThat(alone.json().at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(mock.requests("gpt-4.1-2025-04-14")).hasSize(1);

        JsonNode health = healthOf("openai/gpt-4.1-2025-04-14");
        assertThat(health.get("available").asBoolean()).isFalse();
        assertThat(health.get("skipped_because").asText()).isEqualTo("retry_after");
        assertThat(health.get("state").asText()).isEqualTo("closed");
    }

    @Test
    void aModelThatCannotReadImagesHandsTheRequestToOneThatCanAndWithoutOneItIsA400() {
        // openai/gpt-4's catalog entry has no vision: it is never called with the image.
        ChatCall handedOn = ChatCall.post(baseUrl, "/v1/chat/completions", imageBody("openai/gpt-4",
                "{\"models\":[\"" + BACKUP + "\"]}")).awaitEnd(WAIT);
        assertThat(handedOn.status()).isEqualTo(200);
        assertThat(handedOn.header("x-switchyard-attempts")).hasValue("openai/gpt-4:error:400," + BACKUP + ":streaming");
        assertThat(handedOn.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(handedOn.done()).isTrue();

        ChatCall alone = ChatCall.post(baseUrl, "/v1/chat/completions", imageBody("openai/gpt-4", null)).awaitEnd(WAIT);
        assertThat(alone.status()).isEqualTo(400);
        assertThat(alone.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(alone.json().at("/error/message").asText()).contains("does not accept images");
        assertThat(mock.requests("gpt-4")).isEmpty();
    }

    @Test
    void aPrefillGoesToAClaudeModelThatContinuesOneAndWithoutOneItIsA400() {
        // An OpenAI client's conversation ending with the assistant's words is a prefill for Anthropic, which Claude 4.6
        // and later refuse: claude-opus-4-7 is never called with it.
        String prefill = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi as JSON <" + UUID.randomUUID() + ">\"},"
                + "{\"role\":\"assistant\",\"content\":\"{\"}]";
        ChatCall handedOn = ChatCall.post(baseUrl, "/v1/chat/completions", "{\"model\":\"anthropic/claude-opus-4-7\",\"stream\":true,"
                + prefill + ",\"fallback\":{\"models\":[\"" + BACKUP + "\"]}}").awaitEnd(WAIT);
        assertThat(handedOn.status()).isEqualTo(200);
        assertThat(handedOn.header("x-switchyard-attempts")).hasValue("anthropic/claude-opus-4-7:error:400," + BACKUP + ":streaming");
        assertThat(handedOn.text()).startsWith("Hello from claude-haiku-4-5.");

        ChatCall alone = ChatCall.post(baseUrl, "/v1/chat/completions", "{\"model\":\"anthropic/claude-opus-4-7\",\"stream\":true,"
                + prefill + "}").awaitEnd(WAIT);
        assertThat(alone.status()).isEqualTo(400);
        assertThat(alone.json().at("/error/message").asText()).contains("does not continue a prefilled assistant message");
        assertThat(mock.requests("claude-opus-4-7")).isEmpty();
    }

    private static String imageBody(String model, String fallback) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is in this picture? <" + UUID.randomUUID() + ">\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]}]"
                + (fallback == null ? "" : ",\"fallback\":" + fallback) + "}";
    }

    @Test
    void aServerErrorFailsOverInvisiblyAndANonStreamingAnswerListsEveryAttempt() throws Exception {
        mock.failNext("gpt-4o", 1, MockBehaviour.error(500));
        ChatCall call = send("openai/gpt-4o", "Server error", "{\"models\":[\"" + BACKUP + "\"]}", false);

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-4o:error:500," + BACKUP + ":ok");
        assertThat(call.json().get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(call.text()).startsWith("Hello from claude-haiku-4-5.");
        Completion completion = completion(call);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(outcomes(completion)).containsExactly("error", "ok");
        assertThat(completion.getAttempts().get(0).getHttpStatus()).isEqualTo(500);
    }

    @Test
    void openRoutersModelsAndLiteLlmsFallbacksFailOverAndNeverReachTheProvider() throws Exception {
        mock.failNext("gpt-4.1-mini", 2, MockBehaviour.error(500));

        // OpenRouter: no model, the models to try in order.
        ChatCall openRouter = ChatCall.post(baseUrl, "/v1/chat/completions", "{\"models\":[\"openai/gpt-4.1-mini\",\"" + BACKUP
                + "\"],\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":" + JSON.valueToTree("OpenRouter's way <"
                + UUID.randomUUID() + ">") + "}]}").awaitEnd(WAIT);
        assertThat(openRouter.status()).isEqualTo(200);
        assertThat(openRouter.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-mini:error:500," + BACKUP + ":streaming");
        assertThat(openRouter.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(openRouter.done()).isTrue();
        assertThat(outcomes(completion(openRouter))).containsExactly("error", "ok");

        // LiteLLM: fallbacks by name, next to the model.
        ChatCall liteLlm = ChatCall.post(baseUrl, "/v1/chat/completions", "{\"model\":\"openai/gpt-4.1-mini\","
                + "\"fallbacks\":[\"claude-haiku-4-5\"],\"messages\":[{\"role\":\"user\",\"content\":" + JSON.valueToTree(
                "LiteLLM's way <" + UUID.randomUUID() + ">") + "}]}").awaitEnd(WAIT);
        assertThat(liteLlm.status()).isEqualTo(200);
        assertThat(liteLlm.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-mini:error:500," + BACKUP + ":ok");
        assertThat(liteLlm.json().get("model").asText()).isEqualTo("claude-haiku-4-5");

        // The lists are routing fields: no provider saw them (OpenAI refuses unknown parameters).
        List<RecordedRequest> calls = new ArrayList<>(mock.requests("gpt-4.1-mini"));
        calls.addAll(mock.requests("claude-haiku-4-5"));
        assertThat(calls).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(call -> assertThat(call.body().has("models") || call.body().has("fallbacks")).isFalse());
    }

    @Test
    void aSilentModelIsCutAtTheTtftDeadlineAndTheNextAnswers() throws Exception {
        mock.failNext("gpt-4o-mini", 1, MockBehaviour.hanging());
        long cancelled = mock.cancelledCount();
        ChatCall call = stream("openai/gpt-4o-mini", "Hang", "{\"models\":[\"" + BACKUP + "\"],\"ttft_timeout\":\"0.5s\"}");

        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-4o-mini:ttft_timeout," + BACKUP + ":streaming");
        assertThat(call.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(call.done()).isTrue();
        Completion completion = completion(call);
        assertThat(outcomes(completion)).containsExactly("ttft_timeout", "ok");
        assertThat(completion.getAttempts().get(0).getReason()).isEqualTo("no first token within 500 ms");
        mock.awaitCancelled(cancelled + 1, WAIT); // the silent call's connection was closed
    }

    @Test
    void theLastCandidateIsNeverCutByTheTtftDeadline() throws Exception {
        ChatCall call = stream("openai/gpt-4.1-nano", "Slow but alone [[mock:ttft=1500]]", "{\"ttft_timeout\":\"200ms\"}");

        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-nano:streaming");
        assertThat(call.text()).startsWith("Hello from gpt-4.1-nano.");
        assertThat(call.done()).isTrue();
        assertThat(outcomes(completion(call))).containsExactly("ok");
    }

    @Test
    void aHedgeRacesASlowFirstTokenAndTheLoserIsCancelledAndRecorded() throws Exception {
        mock.failNext("gpt-5-mini", 1, MockBehaviour.none().withTtftMs(30_000));
        long cancelled = mock.cancelledCount();
        ChatCall call = stream("openai/gpt-5-mini", "Hedge", "{\"models\":[\"" + BACKUP + "\"],\"hedge_after\":\"300ms\"}");

        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-5-mini:hedge_lost," + BACKUP + ":streaming");
        assertThat(call.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(call.done()).isTrue();
        Completion completion = completion(call);
        assertThat(outcomes(completion)).containsExactly("hedge_lost", "ok");
        assertThat(completion.getAttempts().get(1).getReason()).startsWith("hedge: attempt 1 (openai/gpt-5-mini)");
        assertThat(completion.getModelId()).isEqualTo(BACKUP);
        mock.awaitCancelled(cancelled + 1, WAIT);
    }

    @Test
    void aStreamThatDiesMidAnswerEndsWithAnExplicitErrorEventAndNoDone() throws Exception {
        ChatCall call = stream("openai/gpt-5-nano", "Die [[mock:die-after=3]]", "{\"models\":[\"" + BACKUP + "\"]}");

        assertThat(call.status()).isEqualTo(200);
        assertThat(call.text()).startsWith("Hello from gpt-5-nano.");
        assertThat(call.done()).isFalse();
        JsonNode error = call.errorEvent().orElseThrow(() -> new AssertionError("no error event: " + call.body()));
        assertThat(error.get("code").asText()).isEqualTo("stream_interrupted");
        assertThat(error.get("message").asText()).contains("mid-answer");
        assertThat(call.events().get(call.events().size() - 1)).contains("\"error\"");
        Completion completion = completion(call);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(502);
        assertThat(outcomes(completion)).containsExactly("error");
        assertThat(mock.requests("claude-haiku-4-5")).noneMatch(r -> r.lastUserText().contains("Die [[mock"));
    }

    @Test
    void continueMidstreamFinishesTheAnswerOnAModelThatCanContinueIt() throws Exception {
        mock.failNext("gpt-5", 1, MockBehaviour.dying(3));
        ChatCall call = stream("openai/gpt-5", "Continue",
                "{\"models\":[\"google/gemini-2.5-flash\",\"" + BACKUP + "\"],\"continue_midstream\":true}");

        assertThat(call.done()).isTrue();
        assertThat(call.errorEvent()).isEmpty();
        Completion completion = completion(call);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(outcomes(completion)).containsExactly("error", "ok");
        assertThat(completion.getAttempts()).extracting(Attempt::getModelId).containsExactly("openai/gpt-5", BACKUP);
        // gemini can't continue a partial message: passed over.
        assertThat(mock.requests("gemini-2.5-flash")).noneMatch(r -> r.lastUserText().startsWith("Continue <"));
        RecordedRequest continuation = mock.requests("claude-haiku-4-5").stream()
                .filter(r -> r.lastUserText().startsWith("Continue <")).findFirst().orElseThrow();
        JsonNode messages = continuation.body().get("messages");
        String partial = messages.get(messages.size() - 1).at("/content/0/text").asText();
        assertThat(messages.get(messages.size() - 1).get("role").asText()).isEqualTo("assistant");
        assertThat(partial).startsWith("Hello from gpt-5.");
        // The client got the partial answer, then the continuation: never a second, restarted answer.
        assertThat(call.text()).startsWith(partial);
        assertThat(call.text().substring(partial.length()).strip()).startsWith("Hello from claude-haiku-4-5.");
    }

    @Test
    void aContextLengthErrorMovesOnlyToALargerWindowAndWithoutOneGoesBackToTheClient() throws Exception {
        mock.failNext("gpt-4-0613", 1, MockBehaviour.contextLengthError());
        ChatCall call = stream("openai/gpt-4-0613", "Long prompt",
                "{\"models\":[\"openai/gpt-4-0314\",\"openai/gpt-4o-2024-08-06\"]}");
        assertThat(call.header("x-switchyard-attempts"))
                .hasValue("openai/gpt-4-0613:context_length:400,openai/gpt-4-0314:context_length,openai/gpt-4o-2024-08-06:streaming");
        assertThat(call.text()).startsWith("Hello from gpt-4o-2024-08-06.");
        assertThat(mock.requests("gpt-4-0314")).isEmpty();

        mock.failNext("gpt-4-0613", 1, MockBehaviour.contextLengthError());
        ChatCall tooLong = stream("openai/gpt-4-0613", "Too long everywhere", "{\"models\":[\"openai/gpt-4-0314\"]}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().at("/error/code").asText()).isEqualTo("context_length_exceeded");
        assertThat(outcomes(completion(tooLong))).containsExactly("context_length", "context_length");
    }

    @Test
    void aProviderRefusingSwitchyardsKeyFailsOverAndAloneIsA502ThatNeverShowsTheKey() throws Exception {
        mock.failNext("gpt-4.1", 1, MockBehaviour.error(401));
        ChatCall call = stream("openai/gpt-4.1", "Revoked key", "{\"models\":[\"" + BACKUP + "\"]}");

        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1:error:401," + BACKUP + ":streaming");
        assertThat(call.text()).startsWith("Hello from claude-haiku-4-5.");
        assertThat(completion(call).getAttempts().get(0).getReason()).doesNotContain("9f3c").doesNotContain("sk-mock");

        mock.failNext("gpt-4.1", 1, MockBehaviour.error(401));
        ChatCall alone = send("openai/gpt-4.1", "Revoked key, nothing else to try", null, false);
        // The client's own key to Switchyard was fine: a 401 would send its user looking for the wrong key.
        assertThat(alone.status()).isEqualTo(502);
        assertThat(alone.json().at("/error/code").asText()).isEqualTo("upstream_authentication_error");
        assertThat(alone.json().at("/error/message").asText()).contains("refused Switchyard's credentials")
                .doesNotContain("9f3c").doesNotContain("sk-mock");
    }

    @Test
    void anInvalidRequestGoesBackToTheClientWithoutTryingAnotherModel() throws Exception {
        mock.failNext("gpt-4.1-mini", 1, MockBehaviour.error(400));
        ChatCall call = stream("openai/gpt-4.1-mini", "Invalid", "{\"models\":[\"" + BACKUP + "\"]}");

        assertThat(call.status()).isEqualTo(400);
        assertThat(call.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(call.header("x-switchyard-attempts")).hasValue("openai/gpt-4.1-mini:error:400");
        assertThat(outcomes(completion(call))).containsExactly("error");
        assertThat(mock.requests("claude-haiku-4-5")).noneMatch(r -> r.lastUserText().contains("Invalid <"));
    }

    @Test
    void aRequestsFallbackOverridesTheRoutersFieldByField() throws Exception {
        String routerId = "fallback-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = post("/router/v1/routers", "{\"id\":\"" + routerId + "\",\"displayName\":\"Fallback\","
                + "\"defaultRoute\":{\"variants\":[{\"variant\":{\"modelId\":\"openai/o3\"},\"weight\":100}]},"
                + "\"fallback\":{\"models\":[\"anthropic/claude-sonnet-4-5\"],\"max_attempts\":3,\"ttft_timeout\":\"10s\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        // The request's max_attempts replaces the router's: one call, no failover.
        mock.failNext("o3", 1, MockBehaviour.error(500));
        ChatCall limited = stream("router/" + routerId, "One attempt", "{\"max_attempts\":1}");
        assertThat(limited.status()).isEqualTo(500);
        assertThat(outcomes(completion(limited))).containsExactly("error");

        // The request's models replace the router's list; the router's other fields still apply.
        mock.failNext("o3", 1, MockBehaviour.error(500));
        ChatCall replaced = stream("router/" + routerId, "Other models", "{\"models\":[\"google/gemini-2.5-flash\"]}");
        assertThat(replaced.header("x-switchyard-attempts")).hasValue("openai/o3:error:500,google/gemini-2.5-flash:streaming");
        assertThat(replaced.text()).startsWith("Hello from gemini-2.5-flash.");
        assertThat(mock.requests("claude-sonnet-4-5")).isEmpty();
    }

    @Test
    void aFailingModelOpensItsCircuitThenOneProbeClosesIt() throws Exception {
        String model = "openai/o4-mini";
        String fallback = "{\"models\":[\"" + BACKUP + "\"]}";
        mock.rule("o4-mini", MockBehaviour.error(503));
        for (int i = 0; i < 3; i++) {
            assertThat(stream(model, "Down " + i, fallback).header("x-switchyard-attempts"))
                    .hasValue(model + ":error:503," + BACKUP + ":streaming");
        }
        ChatCall skipped = stream(model, "Circuit open", fallback);
        assertThat(skipped.header("x-switchyard-attempts")).hasValue(model + ":skipped_unhealthy:503," + BACKUP + ":streaming");
        assertThat(completion(skipped).getAttempts().get(0).getReason()).startsWith("circuit open until");
        JsonNode open = healthOf(model);
        assertThat(open.get("state").asText()).isEqualTo("open");
        assertThat(open.get("consecutive_failures").asInt()).isEqualTo(3);
        assertThat(worker.meters().get("switchyard.worker.breaker.state").tag("model", model).gauge().value()).isEqualTo(2);

        mock.clearRule("o4-mini");
        Await.until(WAIT, () -> worker.health().callable(model), c -> c, "the cool-down to pass");
        ChatCall probe = stream(model, "Probe", fallback);
        assertThat(probe.header("x-switchyard-attempts")).hasValue(model + ":streaming");
        Await.until(WAIT, () -> healthOf(model).get("state").asText(), "closed"::equals, "the endpoint to show the circuit closed");
    }

    @Test
    void theTotalTimeoutEndsARequestWithA504() throws Exception {
        ChatCall call = send("openai/gpt-4-turbo", "Hang [[mock:hang]]", "{\"total_timeout\":\"1s\"}", false);

        assertThat(call.status()).isEqualTo(504);
        assertThat(call.json().at("/error/type").asText()).isEqualTo("timeout_error");
        assertThat(outcomes(completion(call))).containsExactly("timeout");
    }

    @Test
    void aClientThatDisconnectsCancelsTheProviderCall() throws Exception {
        long cancelled = mock.cancelledCount();
        ChatCall call = ChatCall.post(baseUrl, "/v1/chat/completions",
                body("openai/gpt-4-turbo-preview", "Long answer [[mock:chunks=400]] [[mock:inter-token=20]]", true, null));
        call.awaitContentEvents(2, WAIT);
        String requestId = call.header("x-switchyard-request-id").orElseThrow();
        call.close();

        mock.awaitCancelled(cancelled + 1, WAIT);
        Completion completion = completions.await(requestId, WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(completion.getErrorMessage()).isEqualTo("cancelled: client_disconnected");
        assertThat(outcomes(completion)).containsExactly("cancelled");
    }


    @Test
    void anAnthropicClientGetsAFailoverInvisiblyAndAnExplicitErrorEventAfterBytes() throws Exception {
        mock.failNext("claude-sonnet-4-5", 1, MockBehaviour.error(529));
        ChatCall ok = ChatCall.post(baseUrl, "/v1/messages", anthropicBody("anthropic/claude-sonnet-4-5", "Overloaded",
                "{\"models\":[\"" + BACKUP + "\"]}")).awaitEnd(WAIT);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("x-switchyard-attempts")).hasValue("anthropic/claude-sonnet-4-5:error:529," + BACKUP + ":streaming");
        assertThat(anthropicText(ok)).startsWith("Hello from claude-haiku-4-5.");
        assertThat(types(ok)).last().isEqualTo("message_stop");
        assertThat(outcomes(completion(ok))).containsExactly("error", "ok");

        ChatCall broken = ChatCall.post(baseUrl, "/v1/messages", anthropicBody("anthropic/claude-opus-4-5",
                "Die [[mock:die-after=3]]", null)).awaitEnd(WAIT);
        assertThat(broken.status()).isEqualTo(200);
        assertThat(anthropicText(broken)).startsWith("Hello from claude-opus-4-5");
        List<String> types = types(broken);
        assertThat(types).doesNotContain("message_stop").last().isEqualTo("error");
        assertThat(broken.body()).contains("event: error");
        Completion completion = completion(broken);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(outcomes(completion)).containsExactly("error");
    }

    private static String anthropicBody(String model, String text, String fallback) {
        String marked = text + " <" + UUID.randomUUID() + ">";
        return "{\"model\":\"" + model + "\",\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree(marked) + "}]" + (fallback == null ? "" : ",\"fallback\":" + fallback) + "}";
    }

    /** The Anthropic event types of the stream, in order. */
    private static List<String> types(ChatCall call) {
        return call.events().stream().map(e -> {
            try {
                return JSON.readTree(e).path("type").asText();
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        }).toList();
    }

    private static String anthropicText(ChatCall call) {
        StringBuilder text = new StringBuilder();
        for (String event : call.events()) {
            try {
                JsonNode node = JSON.readTree(event);
                if (node.path("type").asText().equals("content_block_delta") && node.at("/delta/type").asText().equals("text_delta")) {
                    text.append(node.at("/delta/text").asText());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return text.toString();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ChatCall stream(String model, String text, String fallback) {
        return send(model, text, fallback, true);
    }

    private static ChatCall send(String model, String text, String fallback, boolean stream) {
        return ChatCall.post(baseUrl, "/v1/chat/completions", body(model, text, stream, fallback)).awaitEnd(WAIT);
    }

    private static String body(String model, String text, boolean stream, String fallback) {
        String marked = text + " <" + UUID.randomUUID() + ">";
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.valueToTree(marked) + "}]" + (fallback == null ? "" : ",\"fallback\":" + fallback) + "}";
    }

    private static Completion completion(ChatCall call) {
        String requestId = call.header("x-switchyard-request-id").orElseThrow(() -> new AssertionError("no request id: " + call.body()));
        return completions.await(requestId, WAIT);
    }

    private static List<String> outcomes(Completion completion) {
        return completion.getAttempts().stream().map(Attempt::getOutcome).toList();
    }

    private static JsonNode healthOf(String model) {
        return Await.until(WAIT, () -> {
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/router/v1/providers/health?model=" + model)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode providers = JSON.readTree(response.body()).get("providers");
                return providers.isEmpty() ? null : providers.get(0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, node -> node != null, model + " on the health endpoint");
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
