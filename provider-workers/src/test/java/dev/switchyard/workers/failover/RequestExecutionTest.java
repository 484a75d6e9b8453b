package dev.switchyard.workers.failover;

import dev.switchyard.core.catalog.ModelCatalog;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.BreakerState;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.Usage;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.TestRequests;
import dev.switchyard.workers.health.HealthBook;
import dev.switchyard.workers.health.HealthSettings;
import dev.switchyard.workers.metrics.WorkerMetrics;
import dev.switchyard.workers.providers.CallListener;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.ProviderAdapter;
import dev.switchyard.workers.providers.ProviderAdapters;
import dev.switchyard.workers.providers.ProviderCall;
import dev.switchyard.workers.providers.ProviderProtocol;
import dev.switchyard.workers.providers.ProviderRegistry;
import dev.switchyard.workers.providers.ProvidersConfig;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.replies.Coalescing;
import dev.switchyard.workers.replies.ReplySink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The failover logic with scripted providers (no network, no Kafka): which candidates are called and what is recorded. */
class RequestExecutionTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private static Vertx vertx;

    private final Map<String, BiConsumer<CallSpec, CallListener>> scripts = new ConcurrentHashMap<>();
    private final List<String> called = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final Map<String, List<CallSpec>> specs = new ConcurrentHashMap<>();
    private final Map<String, CallListener> listeners = new ConcurrentHashMap<>();
    private HealthBook health = HealthBook.local("test", HealthSettings.DEFAULTS, Clock.systemUTC(), null);
    private final List<ReplyChunk> chunks = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Completion> completion = new CompletableFuture<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @Test
    void anUnconfiguredProviderIsRecordedAndTheNextCandidateAnswers() throws Exception {
        script("gpt-5.2", answer("Hi"));
        Completion done = run(List.of("anthropic/claude-haiku-4-5", "openai/gpt-5.2"), null, Map.of("OPENAI_API_KEY", "sk-test"));

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(done.getAttempts()).hasSize(2);
        Attempt skipped = done.getAttempts().get(0);
        assertThat(skipped.getOutcome()).isEqualTo("error");
        assertThat(skipped.getHttpStatus()).isEqualTo(503);
        assertThat(skipped.getReason()).contains("ANTHROPIC_API_KEY");
        assertThat(called).containsExactly("gpt-5.2");
    }

    @Test
    void withNoConfiguredCandidateTheClientGetsA503NamingTheKeyToSet() throws Exception {
        Completion done = run(List.of("anthropic/claude-haiku-4-5"), null, Map.of());

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(done.getHttpStatus()).isEqualTo(503);
        assertThat(done.getErrorType()).isEqualTo("provider_not_configured");
        assertThat(chunks).singleElement().satisfies(c -> {
            assertThat(c.getFinal$()).isTrue();
            assertThat(c.getError().getMessage()).contains("set ANTHROPIC_API_KEY");
        });
    }

    @Test
    void maxAttemptsLimitsTheProviderCalls() throws Exception {
        UpstreamFailure down = UpstreamFailure.http(500, "server_error", null, null, "down", null);
        script("gpt-5.2", fail(down));
        script("claude-haiku-4-5", fail(down));
        script("gemini-2.5-flash", answer("never"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5", "google/gemini-2.5-flash"),
                FallbackPolicy.newBuilder().setMaxAttempts(2).build(), null);

        assertThat(called).containsExactly("gpt-5.2", "claude-haiku-4-5");
        assertThat(done.getHttpStatus()).isEqualTo(500);
        assertThat(done.getErrorMessage()).startsWith("down").contains("tried: openai/gpt-5.2 error 500");
        assertThat(chunks).singleElement().satisfies(c -> assertThat(c.getAttempt()).isEqualTo(2)); // on the last attempt's id
    }

    @Test
    void aContextLengthErrorMovesToACandidateWithALargerWindow() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.http(400, "invalid_request_error", "context_length_exceeded", "messages",
                "This model's maximum context length is 272000 tokens.", null)));
        script("claude-haiku-4-5", answer("smaller window: must not be called"));
        script("gemini-2.5-flash", answer("Long context"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5", "google/gemini-2.5-flash"), null, null);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(done.getModelId()).isEqualTo("google/gemini-2.5-flash");
        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("context_length", "context_length", "ok");
        assertThat(called).containsExactly("gpt-5.2", "gemini-2.5-flash");
    }

    @Test
    void theTotalTimeoutEndsTheRequestAndStopsTheCall() throws Exception {
        script("gpt-5.2", hang());
        script("claude-haiku-4-5", hang());
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setTotalTimeoutMs(200L).build(), null);

        assertThat(done.getHttpStatus()).isEqualTo(504);
        assertThat(done.getErrorType()).isEqualTo("timeout_error");
        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("timeout");
        assertThat(cancelled).containsExactly("gpt-5.2");
    }

    @Test
    void anAnswerIsStreamedAsContiguousChunksWithTheHeaderOnTheFirst() throws Exception {
        script("gpt-5.2", answer("Hello", " world"));
        Completion done = run(List.of("openai/gpt-5.2"), null, null);

        assertThat(chunks).extracting(ReplyChunk::getSeq).containsExactly(0, 1, 2);
        assertThat(chunks.get(0).getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(chunks.get(0).getModelName()).isEqualTo("gpt-5.2-test");
        assertThat(chunks.get(0).getAttempts()).extracting(Attempt::getOutcome).containsExactly("streaming");
        assertThat(chunks.get(1).getModelId()).isNull();
        assertThat(chunks.get(2).getFinal$()).isTrue();
        assertThat(chunks.get(2).getUsage().getOutputTokens()).isEqualTo(2);
        assertThat(done.getCostUsd()).isPositive();
        assertThat(done.getFinishReason()).isEqualTo("stop");
    }


    @Test
    void aHedgeStartsWhenTheFirstCallHasNoTokenAndTheFirstToAnswerStreamsWhileTheOtherIsCancelled() throws Exception {
        script("gpt-5.2", hang());
        script("claude-haiku-4-5", answer("Hedged", " answer"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setHedgeAfterMs(50L).build(), null);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(done.getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("hedge_lost", "ok");
        assertThat(done.getAttempts().get(0).getReason()).contains("attempt 2 (anthropic/claude-haiku-4-5) answered first");
        assertThat(done.getAttempts().get(1).getReason()).startsWith("hedge: attempt 1 (openai/gpt-5.2) had no first token");
        assertThat(called).containsExactly("gpt-5.2", "claude-haiku-4-5");
        assertThat(cancelled).containsExactly("gpt-5.2");
        // The client sees only the winner, and its first chunk already lists the lost hedge.
        assertThat(chunks).extracting(ReplyChunk::getAttemptId).containsOnly(done.getAttempts().get(1).getAttemptId());
        assertThat(chunks.get(0).getAttempts()).extracting(Attempt::getOutcome).containsExactly("hedge_lost", "streaming");
        assertThat(text()).isEqualTo("Hedged answer");
    }

    @Test
    void whenTheFirstCallAnswersFirstAfterAllTheHedgeIsCancelled() throws Exception {
        script("gpt-5.2", hang());
        // The hedge's arrival makes the first call answer; the hedge itself never does.
        script("claude-haiku-4-5", (spec, listener) -> answer("First", " wins").accept(specs.get("gpt-5.2").get(0), listeners.get("gpt-5.2")));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setHedgeAfterMs(50L).build(), null);

        assertThat(done.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("ok", "hedge_lost");
        assertThat(cancelled).containsExactly("claude-haiku-4-5");
        assertThat(text()).isEqualTo("First wins");
    }

    @Test
    void withoutHedgingTheSecondCandidateIsOnlyCalledAfterTheFirstFails() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.http(409, null, null, null, "conflict", null)));
        script("claude-haiku-4-5", answer("Second"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null, null);

        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");
        assertThat(called).containsExactly("gpt-5.2", "claude-haiku-4-5");
    }

    @Test
    void continueMidstreamHandsThePartialAnswerToAModelThatCanContinueIt() throws Exception {
        script("gpt-5.2", breakAfter("Hello", " wor"));
        script("gemini-2.5-flash", answer("never: cannot continue a partial message"));
        script("claude-haiku-4-5", answer("ld", "!"));
        Completion done = run(List.of("openai/gpt-5.2", "google/gemini-2.5-flash", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setContinueMidstream(true).build(), null);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(done.getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(called).containsExactly("gpt-5.2", "claude-haiku-4-5");
        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");
        assertThat(done.getAttempts().get(0).getReason()).startsWith("stream broke mid-answer");
        assertThat(done.getAttempts().get(1).getReason()).startsWith("continuation of attempt 1 (openai/gpt-5.2) after 9 characters");
        // One uninterrupted answer: one attempt id, contiguous seqs, the final chunk last.
        assertThat(chunks).extracting(ReplyChunk::getAttemptId).containsOnly(chunks.get(0).getAttemptId());
        assertThat(chunks).extracting(ReplyChunk::getSeq).containsExactly(0, 1, 2, 3, 4);
        assertThat(chunks.get(4).getFinal$()).isTrue();
        assertThat(chunks.get(4).getError()).isNull();
        assertThat(text()).isEqualTo("Hello world!");
        // The continuing model got the conversation plus the partial answer as the assistant's message to continue.
        ArrayNode messages = (ArrayNode) Json.MAPPER.readTree(specs.get("claude-haiku-4-5").get(0).request().getMessagesJson());
        assertThat(messages.get(messages.size() - 1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo("Hello wor");
    }

    @Test
    void aContinuationDropsTrailingWhitespaceFromThePrefillAndTheModelsRepeatOfIt() throws Exception {
        script("gpt-5.2", breakAfter("Hello "));
        script("claude-haiku-4-5", answer(" ", " world"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setContinueMidstream(true).build(), null);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(text()).isEqualTo("Hello world");
        ArrayNode messages = (ArrayNode) Json.MAPPER.readTree(specs.get("claude-haiku-4-5").get(0).request().getMessagesJson());
        assertThat(messages.get(messages.size() - 1).get("content").asText()).isEqualTo("Hello");
    }

    @Test
    void withoutAModelThatCanContinueTheBrokenAnswerEndsWithAnExplicitError() throws Exception {
        script("gpt-5.2", breakAfter("Hello"));
        script("gemini-2.5-flash", answer("never"));
        Completion done = run(List.of("openai/gpt-5.2", "google/gemini-2.5-flash"),
                FallbackPolicy.newBuilder().setContinueMidstream(true).build(), null);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(done.getHttpStatus()).isEqualTo(502);
        assertThat(called).containsExactly("gpt-5.2");
        ReplyChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getError().getCode()).isEqualTo("stream_interrupted");
        assertThat(last.getError().getMessage()).contains("no remaining candidate can continue");
        assertThat(chunks).extracting(ReplyChunk::getAttemptId).containsOnly(chunks.get(0).getAttemptId());
    }

    @Test
    void extendedThinkingRulesOutAnAnthropicContinuation() throws Exception {
        script("gpt-5.2", breakAfter("Hello"));
        script("claude-haiku-4-5", answer("never"));
        ChatRequest thinking = TestRequests.hello().setExtraJson("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048}}").build();
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setContinueMidstream(true).build(), null, thinking);

        assertThat(done.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(called).containsExactly("gpt-5.2");
    }

    @Test
    void consecutiveFailuresOpenTheCircuitAndTheModelIsSkippedUntilItsCoolDownEnds() throws Exception {
        health = HealthBook.local("test", HealthSettings.DEFAULTS.withConsecutiveFailures(2), Clock.systemUTC(), null);
        UpstreamFailure down = UpstreamFailure.http(502, "api_error", null, null, "bad gateway", null);
        script("gpt-5.2", fail(down));
        script("claude-haiku-4-5", answer("Backup"));
        List<String> models = List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        assertThat(run(models, null, null).getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");
        assertThat(run(models, null, null).getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");

        Completion skipped = run(models, null, null);
        assertThat(skipped.getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "ok");
        assertThat(skipped.getAttempts().get(0).getHttpStatus()).isEqualTo(503);
        assertThat(skipped.getAttempts().get(0).getReason()).startsWith("circuit open until").contains("2 consecutive failures");
        assertThat(called).containsExactly("claude-haiku-4-5");
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aProviderRefusingSwitchyardsKeyFailsOverAndAloneIsA502ThatDoesNotBlameTheClientsKey() throws Exception {
        health = HealthBook.local("test", HealthSettings.DEFAULTS.withConsecutiveFailures(2), Clock.systemUTC(), null);
        script("gpt-5.2", fail(UpstreamFailure.http(401, "invalid_request_error", "invalid_api_key", null,
                "Incorrect API key provided", null)));
        script("claude-haiku-4-5", answer("Backup"));
        Completion failedOver = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null, null);
        assertThat(failedOver.getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");
        assertThat(failedOver.getAttempts().get(0).getHttpStatus()).isEqualTo(401);
        assertThat(text()).isEqualTo("Backup");

        Completion alone = run(List.of("openai/gpt-5.2"), null, null);
        assertThat(alone.getHttpStatus()).isEqualTo(502);
        assertThat(chunks).singleElement().satisfies(c -> {
            assertThat(c.getError().getStatus()).isEqualTo(502);
            assertThat(c.getError().getCode()).isEqualTo("upstream_authentication_error");
            assertThat(c.getError().getMessage()).contains("refused Switchyard's credentials (HTTP 401: Incorrect API key provided)");
        });
        // Two refusals in a row opened its circuit: the key will fail every call until the operator fixes it.
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aModelCutAtTheTtftDeadlineCountsAgainstItsHealth() throws Exception {
        health = HealthBook.local("test", HealthSettings.DEFAULTS.withConsecutiveFailures(2), Clock.systemUTC(), null);
        script("claude-haiku-4-5", answer("Backup"));
        List<String> models = List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"); // gpt-5.2 hangs: no script
        FallbackPolicy ttft = FallbackPolicy.newBuilder().setTtftTimeoutMs(100L).build();
        for (int i = 0; i < 2; i++) {
            assertThat(run(models, ttft, null).getAttempts()).extracting(Attempt::getOutcome).containsExactly("ttft_timeout", "ok");
        }
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.OPEN);
        assertThat(run(models, ttft, null).getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "ok");
        assertThat(called).containsExactly("claude-haiku-4-5");
    }

    @Test
    void aProbeStoppedByAShutdownLetsTheNextRequestProbe() throws Exception {
        health = HealthBook.local("test", HealthSettings.DEFAULTS.withConsecutiveFailures(1)
                .withCoolDown(java.time.Duration.ofMillis(1)), Clock.systemUTC(), null);
        script("gpt-5.2", fail(UpstreamFailure.http(502, "api_error", null, null, "bad gateway", null)));
        run(List.of("openai/gpt-5.2"), null, null);
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.OPEN);
        scripts.remove("gpt-5.2"); // from now on it hangs
        Await.until(() -> health.callable("openai/gpt-5.2")); // the cool-down passed

        RequestExecution probing = start(List.of("openai/gpt-5.2"), null, null, TestRequests.hello().build());
        Await.until(() -> called.contains("gpt-5.2"));
        assertThat(health.callable("openai/gpt-5.2")).isFalse(); // one probe at a time
        vertx.getOrCreateContext().runOnContext(v -> probing.abandon());
        Await.until(() -> probing.done().isCompletedExceptionally());

        assertThat(health.callable("openai/gpt-5.2")).isTrue();
    }

    @Test
    void aRetryAfterSkipsTheModelForEveryRequestUntilThen() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.http(429, "rate_limit_error", null, null, "slow down", java.time.Duration.ofSeconds(60))));
        script("claude-haiku-4-5", answer("Other"));
        List<String> models = List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        assertThat(run(models, null, null).getAttempts()).extracting(Attempt::getOutcome).containsExactly("rate_limited", "ok");
        Completion second = run(models, null, null);
        assertThat(second.getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "ok");
        assertThat(second.getAttempts().get(0).getHttpStatus()).isEqualTo(429);
        assertThat(called).containsExactly("claude-haiku-4-5");
        // A Retry-After is not a breaker failure: the circuit stays closed.
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void whenEveryCandidateIsRateLimitedTheErrorSaysWhenTheFirstIsCalledAgain() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.http(429, "rate_limit_error", null, null, "busy", java.time.Duration.ofMillis(19_500))));
        script("claude-haiku-4-5", fail(UpstreamFailure.http(429, "rate_limit_error", null, null, "slow down", java.time.Duration.ofSeconds(60))));
        List<String> models = List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5");
        Completion first = run(models, null, null);
        assertThat(first.getAttempts()).extracting(Attempt::getOutcome).containsExactly("rate_limited", "rate_limited");
        assertThat(lastError().getStatus()).isEqualTo(429);
        assertThat(lastError().getRetryAfterSeconds()).as("the last provider's own Retry-After").isEqualTo(60);

        chunks.clear();
        Completion second = run(models, null, null);
        assertThat(second.getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "skipped_unhealthy");
        assertThat(lastError().getStatus()).isEqualTo(429);
        assertThat(lastError().getRetryAfterSeconds()).as("the soonest of the two waits (19.5 s), not the last one skipped")
                .isBetween(15, 20);
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndOnlyFor429And503() {
        assertThat(RequestExecution.retryAfterSeconds(429, java.time.Duration.ofMillis(1_001))).isEqualTo(2);
        assertThat(RequestExecution.retryAfterSeconds(503, java.time.Duration.ZERO)).isEqualTo(1);
        assertThat(RequestExecution.retryAfterSeconds(429, null)).isNull();
        assertThat(RequestExecution.retryAfterSeconds(502, java.time.Duration.ofSeconds(5))).isNull();
    }

    private dev.switchyard.events.ReplyError lastError() {
        return chunks.get(chunks.size() - 1).getError();
    }

    @Test
    void aCandidateThatLacksACapabilityIsPassedOverWithoutCountingAgainstIt() throws Exception {
        UpstreamFailure noImages = UpstreamFailure.refused(new dev.switchyard.workers.providers.translate.UnsupportedRequestException(
                "openai/gpt-5.2 does not accept images: route image requests to a vision model"));
        script("gpt-5.2", fail(noImages));
        script("claude-haiku-4-5", answer("A cat"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null, null);

        assertThat(done.getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");
        assertThat(text()).isEqualTo("A cat");
        assertThat(health.state("openai/gpt-5.2")).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aMalformedRequestIsNotPassedOnToAnotherCandidate() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.refused(new IllegalArgumentException("messages is not an array"))));
        script("claude-haiku-4-5", answer("never"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null, null);

        assertThat(done.getHttpStatus()).isEqualTo(400);
        assertThat(called).containsExactly("gpt-5.2");
    }

    @Test
    void anInvalidRequestIsNotRetriedOnAnotherModel() throws Exception {
        script("gpt-5.2", fail(UpstreamFailure.http(422, null, null, "temperature", "temperature out of range", null)));
        script("claude-haiku-4-5", answer("never"));
        Completion done = run(List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null, null);

        assertThat(done.getHttpStatus()).isEqualTo(422);
        assertThat(called).containsExactly("gpt-5.2");
        assertThat(chunks).singleElement().satisfies(c -> assertThat(c.getError().getParam()).isEqualTo("temperature"));
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        chunks.forEach(c -> {
            if (c.getText() != null) {
                sb.append(c.getText());
            }
        });
        return sb.toString();
    }

    // ---- scripted providers ----------------------------------------------------------------------------------------

    private void script(String upstream, BiConsumer<CallSpec, CallListener> behaviour) {
        scripts.put(upstream, behaviour);
    }

    private static BiConsumer<CallSpec, CallListener> answer(String... pieces) {
        return (spec, listener) -> vertx.getOrCreateContext().runOnContext(v -> {
            listener.onDelta(Delta.model(spec.model().upstream() + "-test"));
            for (String piece : pieces) {
                listener.onDelta(Delta.text(piece));
            }
            listener.onDelta(new Delta(null, null, null, "stop",
                    Usage.newBuilder().setInputTokens(10).setOutputTokens(pieces.length).build(), null));
            listener.onComplete();
        });
    }

    /** Streams {@code pieces}, then the connection breaks. */
    private static BiConsumer<CallSpec, CallListener> breakAfter(String... pieces) {
        return (spec, listener) -> vertx.getOrCreateContext().runOnContext(v -> {
            listener.onDelta(Delta.model(spec.model().upstream() + "-test"));
            for (String piece : pieces) {
                listener.onDelta(Delta.text(piece));
            }
            listener.onError(UpstreamFailure.streamBroken("the stream from mock broke: connection reset"));
        });
    }

    private static BiConsumer<CallSpec, CallListener> fail(UpstreamFailure failure) {
        return (spec, listener) -> vertx.getOrCreateContext().runOnContext(v -> listener.onError(failure));
    }

    private static BiConsumer<CallSpec, CallListener> hang() {
        return (spec, listener) -> { };
    }

    private Completion run(List<String> models, FallbackPolicy fallback, Map<String, String> env) throws Exception {
        return run(models, fallback, env, TestRequests.hello().build());
    }

    private Completion run(List<String> models, FallbackPolicy fallback, Map<String, String> env, ChatRequest request) throws Exception {
        RequestExecution execution = start(models, fallback, env, request);
        execution.done().get(10, TimeUnit.SECONDS);
        return completion.get(10, TimeUnit.SECONDS);
    }

    private RequestExecution start(List<String> models, FallbackPolicy fallback, Map<String, String> env, ChatRequest request) {
        chunks.clear();
        called.clear();
        cancelled.clear();
        this.completion = new CompletableFuture<>();
        ProviderAdapter adapter = (spec, listener) -> {
            String upstream = spec.model().upstream();
            called.add(upstream);
            specs.computeIfAbsent(upstream, k -> new CopyOnWriteArrayList<>()).add(spec);
            listeners.put(upstream, listener);
            scripts.getOrDefault(upstream, hang()).accept(spec, listener);
            return (ProviderCall) () -> cancelled.add(upstream);
        };
        ReplySink sink = new ReplySink() {
            @Override
            public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
                chunks.add(chunk);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> completion(Completion c) {
                RequestExecutionTest.this.completion.complete(c);
                return CompletableFuture.completedFuture(null);
            }
        };
        ProvidersConfig providers = env == null ? ProvidersConfig.mock("http://unused") : new ProvidersConfig(Map.of(), env, null);
        WorkerRuntime runtime = new WorkerRuntime(vertx, CATALOG, new ProviderRegistry(providers),
                new ProviderAdapters(Map.of(ProviderProtocol.OPENAI_CHAT, adapter, ProviderProtocol.ANTHROPIC_MESSAGES, adapter)),
                sink, health, new AttemptIds("test"),
                new WorkerMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), Coalescing.OFF);
        Dispatch dispatch = Dispatch.newBuilder()
                .setRequest(request)
                .setCandidates(models.stream().map(m -> new Candidate(m, null)).toList())
                .setFallback(fallback != null ? fallback : new FallbackPolicy())
                .setDispatchedAt(Instant.now())
                .build();
        RequestExecution execution = new RequestExecution(dispatch, runtime);
        vertx.getOrCreateContext().runOnContext(v -> execution.start(null));
        return execution;
    }
}
