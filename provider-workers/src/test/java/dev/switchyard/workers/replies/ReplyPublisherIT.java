package dev.switchyard.workers.replies;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.workers.TestRequests;
import dev.switchyard.workers.providers.Delta;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which reply chunks may wait for company and which go at once, with the real serializer (a real registry) and a
 * hold long enough that only an urgent record or closing can release what is held.
 */
@Timeout(60)
@ExtendWith(SharedServices.class)
class ReplyPublisherIT {
    private static final ChunkWriter.Header HEADER = new ChunkWriter.Header("openai/gpt-4o-mini", "gpt-4o-mini", "r", "route", "a");

    private final EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    @Test
    void theFirstChunkOfEachAttemptGoesAtOnceAndReleasesTheChunksHeldBeforeIt() {
        ChatRequest request = TestRequests.hello().setStream(true).build();
        try (KafkaSender chunks = new KafkaSender(producer, 100, "test-replies", Duration.ofHours(1))) {
            ReplyPublisher publisher = new ReplyPublisher(chunks, serdes);
            ChunkWriter first = new ChunkWriter(publisher, request, "w-1", 1, Coalescing.OFF);
            first.content(Delta.text("Hel"), () -> HEADER, List::of);
            Await.until(() -> producer.history().size() == 1); // seq 0: the client's first token, never held
            first.content(Delta.text("lo"), () -> HEADER, List::of);
            first.content(Delta.text(" wor"), () -> HEADER, List::of);
            Await.until(() -> chunks.heldCount() == 2);
            assertThat(producer.history()).hasSize(1);

            // The attempt fails over: its successor's first chunk goes at once, after everything its predecessor sent.
            ChunkWriter second = new ChunkWriter(publisher, request, "w-2", 2, Coalescing.OFF);
            second.content(Delta.text("Hello"), () -> HEADER, List::of);
            Await.until(() -> producer.history().size() == 4);

            assertThat(producer.history()).extracting(this::decode)
                    .extracting(c -> c.getAttemptId() + "#" + c.getSeq() + ":" + c.getText())
                    .containsExactly("w-1#0:Hel", "w-1#1:lo", "w-1#2: wor", "w-2#0:Hello");
        }
    }

    @Test
    void anErrorChunkGoesAtOnceWithWhatWasHeldAheadOfIt() throws Exception {
        ChatRequest request = TestRequests.hello().setStream(true).build();
        try (KafkaSender chunks = new KafkaSender(producer, 100, "test-replies", Duration.ofHours(1))) {
            ReplyPublisher publisher = new ReplyPublisher(chunks, serdes);
            ChunkWriter writer = new ChunkWriter(publisher, request, "w-1", 1, Coalescing.OFF);
            writer.content(Delta.text("Hel"), () -> HEADER, List::of);
            writer.content(Delta.text("lo"), () -> HEADER, List::of);
            Await.until(() -> chunks.heldCount() == 1);

            writer.error(dev.switchyard.events.ReplyError.newBuilder().setStatus(502).setType("api_error")
                    .setMessage("upstream failed").build(), HEADER, List.of()).get(10, TimeUnit.SECONDS);

            assertThat(producer.history()).extracting(this::decode)
                    .extracting(c -> c.getSeq() + ":" + (c.getError() != null ? "error" : c.getText()))
                    .containsExactly("0:Hel", "1:lo", "2:error");
        }
    }

    @Test
    void aCompletionFollowsItsOwnRequestsHeldChunksAndLeavesOtherRequestsHeld() throws Exception {
        ChatRequest request = TestRequests.hello().setStream(true).build();
        ChatRequest other = TestRequests.hello().setRequestId("other-request").setStream(true).build();
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-replies", Duration.ofHours(1))) {
            ReplyPublisher publisher = new ReplyPublisher(sender, serdes);
            ChunkWriter writer = new ChunkWriter(publisher, request, "w-1", 1, Coalescing.OFF);
            ChunkWriter otherWriter = new ChunkWriter(publisher, other, "w-2", 1, Coalescing.OFF);
            writer.content(Delta.text("Hel"), () -> HEADER, List::of);
            otherWriter.content(Delta.text("Hi"), () -> HEADER, List::of);
            writer.content(Delta.text("lo"), () -> HEADER, List::of);
            otherWriter.content(Delta.text(" there"), () -> HEADER, List::of);
            Await.until(() -> sender.heldCount() == 2);

            publisher.completion(completionOf(request)).get(10, TimeUnit.SECONDS);

            assertThat(producer.history()).extracting(r -> r.topic() + ":" + r.key())
                    .containsExactly(Topics.REPLIES + ":" + request.getRequestId(), Topics.REPLIES + ":other-request",
                            Topics.REPLIES + ":" + request.getRequestId(), Topics.COMPLETIONS + ":" + request.getRequestId());
            assertThat(sender.heldCount()).isEqualTo(1); // the other request's second chunk still waits for company
        }
    }

    private static Completion completionOf(ChatRequest request) {
        Instant now = Instant.now();
        return Completion.newBuilder().setRequestId(request.getRequestId()).setReceivedAt(now).setCompletedAt(now)
                .setProtocol(ClientProtocol.OPENAI_CHAT).setStream(true).setRequestedModel("openai/gpt-4o-mini")
                .setModelId("openai/gpt-4o-mini").setProvider("openai").setStatus(CompletionStatus.OK).setHttpStatus(200)
                .setAttempts(List.of()).setLatencyMs(5).build();
    }

    private ReplyChunk decode(ProducerRecord<String, byte[]> record) {
        return serdes.replies.deserialize(Topics.REPLIES, record.value());
    }
}
