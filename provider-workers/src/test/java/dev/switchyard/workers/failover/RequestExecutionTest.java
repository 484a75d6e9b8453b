package dev.switchyard.workers.failover;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.TestRequests;
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
    private final List<ReplyChunk> chunks = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Completion> completion = new CompletableFuture<>();

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

    private static BiConsumer<CallSpec, CallListener> fail(UpstreamFailure failure) {
        return (spec, listener) -> vertx.getOrCreateContext().runOnContext(v -> listener.onError(failure));
    }

    private static BiConsumer<CallSpec, CallListener> hang() {
        return (spec, listener) -> { };
    }

    private Completion run(List<String> models, FallbackPolicy fallback, Map<String, String> env) throws Exception {
        ProviderAdapter adapter = (spec, listener) -> {
            String upstream = spec.model().upstream();
            called.add(upstream);
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
                completion.complete(c);
                return CompletableFuture.completedFuture(null);
            }
        };
        ProvidersConfig providers = env == null ? ProvidersConfig.mock("http://unused") : new ProvidersConfig(Map.of(), env, null);
        WorkerRuntime runtime = new WorkerRuntime(vertx, CATALOG, new ProviderRegistry(providers),
                new ProviderAdapters(Map.of(ProviderProtocol.OPENAI_CHAT, adapter, ProviderProtocol.ANTHROPIC_MESSAGES, adapter)),
                sink, new RetryAfterBook(), new AttemptIds("test"), new WorkerMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        ChatRequest request = TestRequests.hello().build();
        Dispatch dispatch = Dispatch.newBuilder()
                .setRequest(request)
                .setCandidates(models.stream().map(m -> new Candidate(m, null)).toList())
                .setFallback(fallback != null ? fallback : new FallbackPolicy())
                .setDispatchedAt(Instant.now())
                .build();
        RequestExecution execution = new RequestExecution(dispatch, runtime);
        vertx.getOrCreateContext().runOnContext(v -> execution.start(null));
        execution.done().get(10, TimeUnit.SECONDS);
        return completion.get(10, TimeUnit.SECONDS);
    }
}
