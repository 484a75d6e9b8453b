package dev.switchyard.workers;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
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
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.workers.providers.ProvidersConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker joining while every partition's requests run on the first one: the partitions that move are handed over
 * without running any request twice. Answers already streaming finish where they are (their text is never broken by a
 * second attempt); requests that had not answered yet are picked up by the new owner. Each request ends once, with one
 * attempt's text, and no client sees an error.
 */
@ExtendWith(SharedServices.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerRebalanceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int REPLY_PARTITION = 2;

    @Test
    void aJoiningWorkerTakesOverPartitionsWithoutRunningARequestTwice() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicLayout layout = TopicLayout.defaults();
        TopicProvisioner.ensureTopics(bootstrap, layout);
        EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
        serdes.registerAll();
        KafkaSettings kafka = new KafkaSettings(bootstrap, "rebalance-it");
        String group = "rebalance-it-" + UUID.randomUUID();
        int partitions = layout.partitionsOf(Topics.DISPATCH);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             MockLlmProvider mock = MockLlmProvider.builder().strictHeaders(true).start();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("test"), new StringSerializer(), new ByteArraySerializer());
             ReplyCollector collector = new ReplyCollector(bootstrap, serdes)) {
            startGroupAtTheEnd(admin, group, partitions);
            WorkerConfig config = WorkerConfig.defaults(ProvidersConfig.mock(mock.baseUrl())).withConsumerGroup(group)
                    .withShutdownGrace(Duration.ofSeconds(1));
            try (ProviderWorkerService first = new ProviderWorkerService(config.withInstanceId("first-" + group.substring(13, 21)),
                    kafka, serdes, ModelCatalog.builtIn()).start()) {
                Await.until(WAIT, first::isReady, ready -> ready, "the first worker");
                // Per partition: a long answer that will be streaming, then one whose first token is still far away.
                mock.rule("gpt-4o", MockBehaviour.none().withChunks(600).withInterTokenMs(25));
                mock.rule("gpt-4o-mini", MockBehaviour.none().withTtftMs(8_000).withChunks(3));
                List<ChatRequest> streaming = new ArrayList<>();
                List<ChatRequest> waiting = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    streaming.add(dispatch(producer, serdes, p, "openai/gpt-4o"));
                    waiting.add(dispatch(producer, serdes, p, "openai/gpt-4o-mini"));
                }
                for (ChatRequest request : streaming) {
                    Await.until(WAIT, () -> collector.chunks(request.getRequestId()).size(), n -> n > 0, "the first chunk of " + request.getRequestId());
                }

                try (ProviderWorkerService second = new ProviderWorkerService(config.withInstanceId("second-" + group.substring(13, 21)),
                        kafka, serdes, ModelCatalog.builtIn()).start()) {
                    Await.until(WAIT, second::isReady, ready -> ready, "the second worker to get partitions");
                    assertThat(collector.chunks(streaming.get(0).getRequestId())).noneMatch(c -> c.chunk().getFinal$())
                            .as("the answers must still be streaming when the partitions move");

                    for (ChatRequest request : concat(streaming, waiting)) {
                        Completion completion = collector.awaitCompletion(request.getRequestId(), WAIT);
                        assertThat(completion.getStatus()).as(request.getRequestId()).isEqualTo(CompletionStatus.OK);
                        List<ReplyChunk> chunks = collector.awaitFinal(request.getRequestId(), WAIT).stream().map(ReplyCollector.Chunk::chunk).toList();
                        assertThat(chunks).extracting(ReplyChunk::getAttemptId).as("one attempt's text only").containsOnly(chunks.get(0).getAttemptId());
                        for (int i = 0; i < chunks.size(); i++) {
                            assertThat(chunks.get(i).getSeq()).isEqualTo(i);
                        }
                        assertThat(chunks.get(chunks.size() - 1).getError()).isNull();
                    }
                    // A request run twice would have called the provider again when its partition moved, before any
                    // record produced after that: one more request per partition, answered, closes the window.
                    List<ChatRequest> barriers = new ArrayList<>();
                    mock.clearRule("gpt-4o-mini");
                    for (int p = 0; p < partitions; p++) {
                        barriers.add(dispatch(producer, serdes, p, "openai/gpt-4o-mini"));
                    }
                    for (ChatRequest barrier : barriers) {
                        collector.awaitCompletion(barrier.getRequestId(), WAIT);
                    }
                    for (ChatRequest request : streaming) {
                        assertThat(callsFor(mock, request)).as("provider calls for " + request.getRequestId()).isEqualTo(1);
                        assertThat(collector.completions(request.getRequestId())).isEqualTo(1);
                    }
                    for (ChatRequest request : waiting) {
                        assertThat(collector.completions(request.getRequestId())).isEqualTo(1);
                    }
                }
            }
        }
    }

    private static long callsFor(MockLlmProvider mock, ChatRequest request) {
        return mock.requests().stream().filter(r -> r.lastUserText().contains("<" + request.getRequestId() + ">")).count();
    }

    /** A fresh group that starts at the topic's end, so earlier tests' dispatches in this JVM are not run again. */
    private static void startGroupAtTheEnd(Admin admin, String group, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(Topics.DISPATCH, p), OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(group, start).all().get();
    }

    private static ChatRequest dispatch(KafkaProducer<String, byte[]> producer, EventSerdes serdes, int partition, String model)
            throws Exception {
        String id = "req-" + UUID.randomUUID();
        ChatRequest request = TestRequests.chat("[{\"role\":\"user\",\"content\":\"Rebalance <" + id + ">\"}]")
                .setRequestId(id)
                .setReplyTo(new ReplyAddress(Topics.REPLIES, REPLY_PARTITION))
                .setDeadlineAt(Instant.now().plusSeconds(120))
                .build();
        Dispatch dispatch = Dispatch.newBuilder().setRequest(request)
                .setCandidates(List.of(new Candidate(model, null)))
                .setFallback(new FallbackPolicy())
                .setDispatchedAt(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(Topics.DISPATCH, partition, id, serdes.dispatch.serialize(Topics.DISPATCH, dispatch))).get();
        return request;
    }

    private static List<ChatRequest> concat(List<ChatRequest> a, List<ChatRequest> b) {
        List<ChatRequest> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
