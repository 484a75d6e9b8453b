package dev.switchyard.workers;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Control;
import dev.switchyard.events.ControlAction;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.mock.MockBehaviour;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import dev.switchyard.testsupport.mock.RecordedRequest;
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.events.BreakerState;
import dev.switchyard.workers.health.HealthBook;
import dev.switchyard.workers.health.HealthSettings;
import dev.switchyard.workers.health.HealthTopic;
import dev.switchyard.workers.providers.ProvidersConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The worker against a real broker, a real schema registry and the mock provider: dispatches in, reply chunks and
 * completions out, failover, cancellation and offset commits.
 */
@ExtendWith(SharedServices.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProviderWorkerIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int REPLY_PARTITION = 3;
    private static final String GROUP = "workers-it-" + UUID.randomUUID();

    private static MockLlmProvider mock;
    private static EventSerdes serdes;
    private static KafkaProducer<String, byte[]> producer;
    private static ProviderWorkerService worker;
    private static ReplyCollector collector;
    private static Admin admin;
    private static HealthBook otherWorker;
    private static HealthTopic otherWorkerTopic;

    @BeforeAll
    static void startWorker() {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        serdes = new EventSerdes(SharedServices.registry().url());
        serdes.registerAll();
        mock = MockLlmProvider.builder().strictHeaders(true).start();
        KafkaSettings kafka = new KafkaSettings(bootstrap, "it");
        producer = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        collector = new ReplyCollector(bootstrap, serdes);
        worker = new ProviderWorkerService(WorkerConfig.defaults(ProvidersConfig.mock(mock.baseUrl()))
                .withConsumerGroup(GROUP).withShutdownGrace(Duration.ofSeconds(2))
                .withHealth(HealthSettings.DEFAULTS.withConsecutiveFailures(3).withCoolDown(Duration.ofSeconds(1))),
                kafka, serdes, ModelCatalog.builtIn()).start();
        Await.until(WAIT, worker::isReady, ready -> ready, "the worker to be ready");
        // What another worker instance would know: only what this one publishes on provider.health.
        otherWorker = HealthBook.local("other-worker", HealthSettings.DEFAULTS, java.time.Clock.systemUTC(), null);
        otherWorkerTopic = new HealthTopic(new dev.switchyard.workers.replies.KafkaSender(producer, 10, "other-sender"), new KafkaConsumer<>(kafka.consumer(null, "other-health"),
                new StringDeserializer(), new ByteArrayDeserializer()), serdes.providerHealth, otherWorker, "other-worker-health").start();
    }

    @AfterAll
    static void stopWorker() {
        if (otherWorkerTopic != null) {
            otherWorkerTopic.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @BeforeEach
    void resetMock() {
        mock.reset();
        mock.clearRequests();
    }

    @Test
    void streamsAnOpenAiAnswerToTheReplyPartitionAndRecordsItsCompletion() {
        // gpt-5.2 reasoning at effort low takes no temperature: the note says so.
        ChatRequest request = request("Hi there").setMaxTokens(50).setTemperature(0.3).setUserId("user-1")
                .setReasoning(ReasoningConfig.newBuilder().setEffort("low").build())
                .setMetadata(Map.of("tier", "gold", "language", "es")).build();
        dispatch(request, List.of("openai/gpt-5.2"), null);

        List<ReplyCollector.Chunk> chunks = collector.awaitFinal(request.getRequestId(), WAIT);
        assertThat(chunks).allSatisfy(c -> assertThat(c.partition()).isEqualTo(REPLY_PARTITION));
        List<ReplyChunk> replies = replies(chunks);
        assertContiguousSingleAttempt(replies);
        ReplyChunk first = replies.get(0);
        assertThat(first.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(first.getModelName()).isEqualTo("gpt-5.2");
        assertThat(first.getRouterId()).isEqualTo("router-it");
        assertThat(first.getRouteId()).isEqualTo("route-a");
        assertThat(first.getVariantId()).isEqualTo("variant-1");
        assertThat(first.getAttempts()).hasSize(1);
        assertThat(text(replies)).startsWith("Hello from gpt-5.2");
        ReplyChunk last = replies.get(replies.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getError()).isNull();
        assertThat(last.getFinishReason()).isEqualTo("stop");
        assertThat(last.getUsage().getInputTokens()).isPositive();
        assertThat(last.getUsage().getOutputTokens()).isPositive();
        assertThat(last.getAttempts()).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("ok"));

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getHttpStatus()).isEqualTo(200);
        assertThat(completion.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(completion.getProvider()).isEqualTo("openai");
        assertThat(completion.getRouterId()).isEqualTo("router-it");
        assertThat(completion.getUsage()).isEqualTo(last.getUsage());
        assertThat(completion.getCostUsd()).isPositive();
        assertThat(completion.getTtftMs()).isNotNull().isNotNegative();
        assertThat(completion.getLatencyMs()).isGreaterThanOrEqualTo(completion.getTtftMs());
        assertThat(completion.getFinishReason()).isEqualTo("stop");
        assertThat(completion.getMetadata()).containsEntry("tier", "gold");
        assertThat(completion.getNotes()).singleElement().asString().contains("temperature 0.3 dropped");
        assertThat(completion.getAttempts()).singleElement().satisfies(a -> {
            assertThat(a.getAttemptId()).isEqualTo(first.getAttemptId());
            assertThat(a.getOutcome()).isEqualTo("ok");
            assertThat(a.getHttpStatus()).isEqualTo(200);
            assertThat(a.getTtftMs()).isNotNull();
        });

        // What the provider saw: streamed, the reasoning-model token limit, the sticky user, no routing metadata.
        RecordedRequest upstream = requestContaining(request);
        assertThat(upstream.path()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.stream()).isTrue();
        assertThat(upstream.body().get("max_completion_tokens").asInt()).isEqualTo(50);
        assertThat(upstream.body().get("user").asText()).isEqualTo("user-1");
        assertThat(upstream.body().has("metadata")).isFalse();
        assertThat(upstream.body().has("temperature")).isFalse();
        assertThat(upstream.header("authorization")).startsWith("Bearer ");
    }

    @Test
    void aBurstOfDeltasTravelsAsTheFirstDeltaThenFewRecordsWithTheWholeText() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.ofChunks(20)); // no delay between them: one burst
        ChatRequest request = request("Burst").build();
        dispatch(request, List.of("openai/gpt-5.2"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies);
        assertThat(replies.size()).as("records for 20 deltas").isBetween(2, 10);
        assertThat(replies.get(0).getText()).isNotBlank(); // the first delta went out alone, at once
        assertThat(text(replies).split(" ")).hasSizeGreaterThanOrEqualTo(20);
        assertThat(text(replies)).startsWith("Hello from gpt-5.2");
    }

    @Test
    void callsProvidersOnTheEpollTransportOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the epoll library on the class path is the linux-x86_64 one");
        assertThat(worker.nativeTransport()).as("Vert.x on epoll (is netty-transport-native-epoll on the class path?)").isTrue();
    }

    @Test
    void aNonStreamingClientsAnswerIsOneRecord() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.ofChunks(20).withInterTokenMs(10)); // slower than the window, too
        ChatRequest request = request("Whole").setStream(false).build();
        dispatch(request, List.of("openai/gpt-5.2"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertThat(replies).singleElement().satisfies(only -> {
            assertThat(only.getSeq()).isZero();
            assertThat(only.getFinal$()).isTrue();
            assertThat(only.getModelId()).isEqualTo("openai/gpt-5.2");
            assertThat(only.getText()).startsWith("Hello from gpt-5.2");
        });
    }

    @Test
    void streamsAnAnthropicAnswer() {
        ChatRequest.Builder builder = request("Hi Claude").setUserId("user-2").setMetadata(Map.of("tier", "free"));
        ChatRequest request = builder.setMessagesJson("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi Claude " + marker(builder.getRequestId()) + "\"}]").build();
        dispatch(request, List.of("anthropic/claude-haiku-4-5"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies);
        assertThat(replies.get(0).getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(text(replies)).startsWith("Hello from claude-haiku-4-5");
        ReplyChunk last = replies.get(replies.size() - 1);
        assertThat(last.getFinishReason()).isEqualTo("stop");
        assertThat(last.getUsage().getOutputTokens()).isPositive();

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getProvider()).isEqualTo("anthropic");
        assertThat(completion.getUsage().getInputTokens()).isPositive();
        assertThat(completion.getCostUsd()).isPositive();
        assertThat(completion.getTtftMs()).isNotNull();

        RecordedRequest upstream = requestContaining(request);
        assertThat(upstream.path()).isEqualTo("/v1/messages");
        assertThat(upstream.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(upstream.header("x-api-key")).isNotBlank();
        assertThat(upstream.body().get("system").asText()).isEqualTo("Be brief.");
        assertThat(upstream.body().get("metadata").size()).isEqualTo(1);
        assertThat(upstream.body().at("/metadata/user_id").asText()).isEqualTo("user-2");
    }

    @Test
    void failsOverToTheNextCandidateWhenTheFirstAnswers500() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.error(500));
        ChatRequest request = request("Fail over please").build();
        dispatch(request, List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies); // the failed attempt sent nothing
        assertThat(replies.get(0).getAttempt()).isEqualTo(2);
        assertThat(replies.get(0).getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(replies.get(0).getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "streaming");
        assertThat(text(replies)).startsWith("Hello from claude-haiku-4-5");

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(completion.getAttempts()).hasSize(2);
        Attempt failed = completion.getAttempts().get(0);
        assertThat(failed.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(failed.getOutcome()).isEqualTo("error");
        assertThat(failed.getHttpStatus()).isEqualTo(500);
        assertThat(failed.getReason()).isNotBlank();
        assertThat(completion.getAttempts().get(1).getOutcome()).isEqualTo("ok");
    }

    @Test
    void aClientErrorFromTheProviderIsNotRetriedAndKeepsItsStatus() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.error(400));
        ChatRequest request = request("Bad request").build();
        dispatch(request, List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertThat(replies).singleElement().satisfies(chunk -> {
            assertThat(chunk.getFinal$()).isTrue();
            assertThat(chunk.getSeq()).isZero();
            assertThat(chunk.getError().getStatus()).isEqualTo(400);
            assertThat(chunk.getError().getType()).isEqualTo("invalid_request_error");
            assertThat(chunk.getError().getMessage()).isNotBlank();
        });
        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(400);
        assertThat(completion.getAttempts()).singleElement().satisfies(a -> assertThat(a.getHttpStatus()).isEqualTo(400));
        assertThat(mock.requests("claude-haiku-4-5")).isEmpty();
    }

    @Test
    void aRateLimitedModelIsSkippedUntilItsRetryAfter() {
        mock.failNext("grok-4.3", 1, MockBehaviour.rateLimited(120));
        List<String> candidates = List.of("xai/grok-4.3", "google/gemini-2.5-flash");
        ChatRequest first = request("Rate limited").build();
        dispatch(first, candidates, null);
        Completion firstCompletion = collector.awaitCompletion(first.getRequestId(), WAIT);
        assertThat(firstCompletion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("rate_limited", "ok");
        assertThat(firstCompletion.getModelId()).isEqualTo("google/gemini-2.5-flash");

        ChatRequest second = request("Still rate limited").build();
        dispatch(second, candidates, null);
        Completion secondCompletion = collector.awaitCompletion(second.getRequestId(), WAIT);
        assertThat(secondCompletion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(secondCompletion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "ok");
        assertThat(mock.requests("grok-4.3")).hasSize(1); // the second request never called it
    }

    @Test
    void aSilentProviderIsCutAtTheTtftDeadlineAndTheNextCandidateAnswers() {
        mock.failNext("gemini-2.0-flash", 1, MockBehaviour.hanging());
        long cancelledBefore = mock.cancelledCount();
        ChatRequest request = request("Slow first token").build();
        dispatch(request, List.of("google/gemini-2.0-flash", "openai/gpt-5.2"),
                FallbackPolicy.newBuilder().setTtftTimeoutMs(500L).build());

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(completion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("ttft_timeout", "ok");
        mock.awaitCancelled(cancelledBefore + 1, WAIT); // the abandoned call's connection was closed
    }

    @Test
    void theLastCandidateIsNeverCutByTheTtftDeadline() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.none().withTtftMs(1000));
        ChatRequest request = request("Slow but only candidate").build();
        dispatch(request, List.of("openai/gpt-5.2"), FallbackPolicy.newBuilder().setTtftTimeoutMs(100L).build());

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getAttempts()).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("ok"));
    }

    @Test
    void aStreamThatBreaksMidAnswerEndsWithAnUpstreamErrorAndNoRetry() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.dying(3));
        ChatRequest request = request("Break mid answer").build();
        dispatch(request, List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies);
        assertThat(text(replies)).startsWith("Hello from");
        ReplyChunk last = replies.get(replies.size() - 1);
        assertThat(last.getError().getStatus()).isEqualTo(502);
        assertThat(last.getError().getType()).isEqualTo("upstream_error");
        assertThat(last.getError().getMessage()).contains("mid-answer");

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(502);
        assertThat(completion.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(mock.requests("claude-haiku-4-5")).isEmpty();
    }

    @Test
    void aCancelStopsTheProviderCallAndOffsetsAreCommittedOnlyForFinishedRequests() throws Exception {
        mock.failNext("deepseek-chat", 1, MockBehaviour.hanging());
        long cancelledBefore = mock.cancelledCount();
        int partition = 0;
        ChatRequest hanging = request("Hang until cancelled").build();
        long hangingOffset = dispatch(hanging, List.of("deepseek/deepseek-chat"), null, partition).offset();
        mock.awaitRequests(1, WAIT);

        ChatRequest quick = request("Answer quickly").build();
        long quickOffset = dispatch(quick, List.of("openai/gpt-5.2"), null, partition).offset();
        assertThat(collector.awaitCompletion(quick.getRequestId(), WAIT).getStatus()).isEqualTo(CompletionStatus.OK);

        // The later request finished, but the group may not commit past the one still running.
        TopicPartition tp = new TopicPartition(Topics.DISPATCH, partition);
        long committed = Await.until(WAIT, () -> committed(tp), c -> c >= hangingOffset, "the commit up to the hanging request");
        assertThat(committed).isEqualTo(hangingOffset);
        assertThat(quickOffset).isGreaterThan(hangingOffset);

        producer.send(new ProducerRecord<>(Topics.CONTROL, hanging.getRequestId(), serdes.control.serialize(Topics.CONTROL,
                new Control(hanging.getRequestId(), ControlAction.CANCEL, "client_disconnected", Instant.now())))).get();
        mock.awaitCancelled(cancelledBefore + 1, WAIT);
        Completion cancelled = collector.awaitCompletion(hanging.getRequestId(), WAIT);
        assertThat(cancelled.getStatus()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(cancelled.getAttempts()).singleElement().satisfies(a -> assertThat(a.getOutcome()).isEqualTo("cancelled"));
        assertThat(collector.chunks(hanging.getRequestId())).isEmpty(); // nobody is listening any more

        Await.until(WAIT, () -> committed(tp), c -> c == quickOffset + 1, "the commit past both requests");
    }

    @Test
    void aCancelThatArrivesBeforeTheDispatchSkipsTheRequest() throws Exception {
        ChatRequest request = request("Cancelled early").build();
        double earlyBefore = earlyCancels();
        producer.send(new ProducerRecord<>(Topics.CONTROL, request.getRequestId(), serdes.control.serialize(Topics.CONTROL,
                new Control(request.getRequestId(), ControlAction.CANCEL, "client_disconnected", Instant.now())))).get();
        // The worker reads llm.control on its own thread: dispatch only once it has seen the cancel.
        Await.until(WAIT, () -> earlyCancels(), n -> n >= earlyBefore + 1, "the worker to see the cancel");
        dispatch(request, List.of("openai/gpt-5.2"), null);

        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.CANCELLED);
        assertThat(completion.getAttempts()).isEmpty();
        assertThat(mock.requests()).noneMatch(r -> r.lastUserText().contains(marker(request.getRequestId())));
    }

    @Test
    void aRequestPastItsDeadlineIsAnsweredWithoutCallingAProvider() {
        ChatRequest request = request("Too late").setDeadlineAt(Instant.now().minusSeconds(1)).build();
        dispatch(request, List.of("openai/gpt-5.2"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertThat(replies).singleElement().satisfies(chunk -> {
            assertThat(chunk.getError().getStatus()).isEqualTo(504);
            assertThat(chunk.getError().getType()).isEqualTo("timeout_error");
            assertThat(chunk.getError().getMessage()).isEqualTo("deadline exceeded before a provider was called");
        });
        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.ERROR);
        assertThat(completion.getHttpStatus()).isEqualTo(504);
        assertThat(mock.requests()).noneMatch(r -> r.lastUserText().contains(marker(request.getRequestId())));
    }

    @Test
    void streamsAnthropicToolCallsAsToolCallDeltas() {
        ChatRequest request = request("What's the weather? [[mock:tool]]")
                .setToolsJson("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]")
                .build();
        dispatch(request, List.of("anthropic/claude-haiku-4-5"), null);

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies);
        assertThat(replies.stream().flatMap(r -> r.getToolCalls().stream()))
                .anySatisfy(t -> assertThat(t.getName()).isEqualTo("get_weather"));
        assertThat(replies.get(replies.size() - 1).getFinishReason()).isEqualTo("tool_calls");
        RecordedRequest upstream = requestContaining(request);
        assertThat(upstream.body().at("/tools/0/input_schema/type").asText()).isEqualTo("object");
    }


    @Test
    void aSlowFirstTokenIsHedgedWithTheNextCandidateAndTheSlowCallIsCancelled() {
        mock.failNext("gpt-4.1", 1, MockBehaviour.none().withTtftMs(20_000));
        long cancelledBefore = mock.cancelledCount();
        ChatRequest request = request("Hedge me").build();
        dispatch(request, List.of("openai/gpt-4.1", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setHedgeAfterMs(200L).build());

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies);
        assertThat(replies.get(0).getAttempt()).isEqualTo(2);
        assertThat(replies.get(0).getAttempts()).extracting(Attempt::getOutcome).containsExactly("hedge_lost", "streaming");
        assertThat(text(replies)).startsWith("Hello from claude-haiku-4-5");
        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(completion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("hedge_lost", "ok");
        assertThat(completion.getAttempts()).extracting(Attempt::getModelId)
                .containsExactly("openai/gpt-4.1", "anthropic/claude-haiku-4-5");
        mock.awaitCancelled(cancelledBefore + 1, WAIT); // the slow call's connection was closed
    }

    @Test
    void continueMidstreamFinishesABrokenAnswerOnAnAnthropicModelThroughPrefill() {
        mock.failNext("gpt-5.2", 1, MockBehaviour.dying(3));
        ChatRequest request = request("Continue me").build();
        dispatch(request, List.of("openai/gpt-5.2", "anthropic/claude-haiku-4-5"),
                FallbackPolicy.newBuilder().setContinueMidstream(true).build());

        List<ReplyChunk> replies = replies(collector.awaitFinal(request.getRequestId(), WAIT));
        assertContiguousSingleAttempt(replies); // one answer, as far as the client can tell
        ReplyChunk last = replies.get(replies.size() - 1);
        assertThat(last.getError()).isNull();
        assertThat(last.getFinishReason()).isEqualTo("stop");
        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
        assertThat(completion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(completion.getModelId()).isEqualTo("anthropic/claude-haiku-4-5");
        assertThat(completion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("error", "ok");

        // Claude got the partial answer as the assistant turn to continue, and its answer follows it.
        RecordedRequest continuation = mock.requests("claude-haiku-4-5").stream()
                .filter(r -> r.lastUserText().contains(marker(request.getRequestId()))).findFirst().orElseThrow();
        com.fasterxml.jackson.databind.JsonNode messages = continuation.body().get("messages");
        com.fasterxml.jackson.databind.JsonNode prefill = messages.get(messages.size() - 1);
        assertThat(prefill.get("role").asText()).isEqualTo("assistant");
        String partial = prefill.at("/content/0/text").asText();
        assertThat(partial).startsWith("Hello from gpt-5.2");
        String answer = text(replies);
        assertThat(answer).startsWith(partial);
        assertThat(answer.substring(partial.length()).strip()).startsWith("Hello from claude-haiku-4-5");
    }

    @Test
    void aFailingModelOpensItsCircuitForEveryWorkerAndASuccessfulProbeClosesIt() {
        String model = "deepseek/deepseek-reasoner";
        List<String> candidates = List.of(model, "openai/gpt-4o");
        mock.rule("deepseek-reasoner", MockBehaviour.error(503));
        for (int i = 0; i < 3; i++) {
            ChatRequest request = request("Failing model " + i).build();
            dispatch(request, candidates, null);
            assertThat(collector.awaitCompletion(request.getRequestId(), WAIT).getAttempts())
                    .extracting(Attempt::getOutcome).containsExactly("error", "ok");
        }
        ChatRequest skipped = request("Circuit open").build();
        dispatch(skipped, candidates, null);
        Completion skippedCompletion = collector.awaitCompletion(skipped.getRequestId(), WAIT);
        assertThat(skippedCompletion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("skipped_unhealthy", "ok");
        assertThat(skippedCompletion.getAttempts().get(0).getReason()).startsWith("circuit open until")
                .contains("3 consecutive failures");
        assertThat(worker.meters().get("switchyard.worker.breaker.state").tag("model", model).gauge().value()).isEqualTo(2);
        // Another worker learns it from provider.health alone.
        Await.until(WAIT, () -> otherWorker.state(model), s -> s == BreakerState.OPEN, "the other worker to see the open circuit");
        assertThat(otherWorker.callable(model)).isFalse();

        mock.clearRule("deepseek-reasoner");
        Await.until(WAIT, () -> worker.health().callable(model), c -> c, "the cool-down to end");
        ChatRequest probe = request("Probe").build();
        dispatch(probe, candidates, null);
        Completion probeCompletion = collector.awaitCompletion(probe.getRequestId(), WAIT);
        assertThat(probeCompletion.getModelId()).isEqualTo(model);
        assertThat(probeCompletion.getAttempts()).extracting(Attempt::getOutcome).containsExactly("ok");
        assertThat(worker.health().state(model)).isEqualTo(BreakerState.CLOSED);
        Await.until(WAIT, () -> otherWorker.state(model), s -> s == BreakerState.CLOSED, "the other worker to see it closed");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A request whose user message carries a marker naming the request, to find it among the mock's requests. */
    private ChatRequest.Builder request(String text) {
        String id = "req-" + UUID.randomUUID();
        return TestRequests.chat("[{\"role\":\"user\",\"content\":" + Json.MAPPER.valueToTree(text + " " + marker(id)) + "}]")
                .setRequestId(id)
                .setReplyTo(new ReplyAddress(Topics.REPLIES, REPLY_PARTITION));
    }

    private static String marker(String requestId) {
        return "<" + requestId + ">";
    }

    private RecordedRequest requestContaining(ChatRequest request) {
        String marker = marker(request.getRequestId());
        return mock.requests().stream().filter(r -> r.lastUserText().contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("the mock got no request for " + request.getRequestId()));
    }

    private static RecordMetadata dispatch(ChatRequest request, List<String> models, FallbackPolicy fallback) {
        return dispatch(request, models, fallback, null);
    }

    private static RecordMetadata dispatch(ChatRequest request, List<String> models, FallbackPolicy fallback, Integer partition) {
        Dispatch dispatch = Dispatch.newBuilder()
                .setRequest(request)
                .setRouterId("router-it")
                .setRouterVersion(3L)
                .setRouteId("route-a")
                .setVariantId("variant-1")
                .setCandidates(models.stream().map(m -> new Candidate(m, null)).collect(Collectors.toList()))
                .setFallback(fallback != null ? fallback : new FallbackPolicy())
                .setDispatchedAt(Instant.now())
                .build();
        try {
            return producer.send(new ProducerRecord<>(Topics.DISPATCH, partition, request.getRequestId(),
                    serdes.dispatch.serialize(Topics.DISPATCH, dispatch))).get();
        } catch (Exception e) {
            throw new AssertionError("cannot produce the dispatch", e);
        }
    }

    private static double earlyCancels() {
        io.micrometer.core.instrument.Counter counter = worker.meters().find("switchyard.worker.cancels")
                .tag("when", "before_dispatch").counter();
        return counter == null ? 0 : counter.count();
    }

    private static long committed(TopicPartition tp) {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get().get(tp);
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<ReplyChunk> replies(List<ReplyCollector.Chunk> chunks) {
        return chunks.stream().map(ReplyCollector.Chunk::chunk).toList();
    }

    private static String text(List<ReplyChunk> replies) {
        return replies.stream().map(ReplyChunk::getText).filter(t -> t != null).collect(Collectors.joining());
    }

    /** One attempt id, seq 0..n-1 in order, exactly one final chunk, the last. */
    private static void assertContiguousSingleAttempt(List<ReplyChunk> replies) {
        assertThat(replies).extracting(ReplyChunk::getAttemptId).containsOnly(replies.get(0).getAttemptId());
        for (int i = 0; i < replies.size(); i++) {
            assertThat(replies.get(i).getSeq()).isEqualTo(i);
            assertThat(replies.get(i).getFinal$()).isEqualTo(i == replies.size() - 1);
        }
    }
}
