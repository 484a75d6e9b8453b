package dev.switchyard.workers.dispatch;

import dev.switchyard.events.Candidate;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.FallbackPolicy;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.conditions.Await;
import dev.switchyard.testsupport.services.SharedServices;
import dev.switchyard.workers.TestRequests;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dispatch consumer commits when a request's answer could not be published: a consumer stand-in (the
 * records are real Avro, through a real registry) and a scripted pipeline.
 */
@Timeout(60)
@ExtendWith(SharedServices.class)
class DispatchConsumerIT {
    private static final TopicPartition PARTITION = new TopicPartition(Topics.DISPATCH, 0);

    private final EventSerdes serdes = new EventSerdes(SharedServices.registry().url());
    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private Thread polling;
    private DispatchConsumer dispatches;

    @AfterEach
    void stop() throws InterruptedException {
        if (dispatches != null) {
            dispatches.stop();
            polling.join(10_000);
        }
    }

    @Test
    void aRequestWhoseAnswerWasNotPublishedRunsAgainAndThePartitionsCommitsGoOn() {
        // "r0" fails to publish on its first run only; the requests after it answer at once.
        start(requestId -> runs(requestId) == 1 && requestId.equals("r0")
                ? CompletableFuture.failedFuture(new IllegalStateException("the reply topic refused the record"))
                : CompletableFuture.completedFuture(null));
        deliver("r0", "r1", "r2");

        Await.until(() -> committed() == 3);
        assertThat(runs("r0")).isEqualTo(2);
        assertThat(runs("r1")).isEqualTo(1);
        assertThat(dispatches.inFlight()).isZero();
    }

    @Test
    void aRequestThatNeverGetsPublishedIsGivenUpAfterThreeReRunsSoThePartitionIsNotStalled() {
        start(requestId -> requestId.equals("r0")
                ? CompletableFuture.failedFuture(new IllegalStateException("the record is too large"))
                : CompletableFuture.completedFuture(null));
        deliver("r0", "r1");

        Await.until(() -> committed() == 2);
        assertThat(runs("r0")).isEqualTo(1 + DispatchConsumer.MAX_RERUNS);
    }

    @Test
    void anAbandonedRequestIsNotRunAgainHereAndStaysUncommittedForTheNextOwner() {
        start(requestId -> requestId.equals("r0")
                ? CompletableFuture.failedFuture(new java.util.concurrent.CancellationException("abandoned at shutdown"))
                : CompletableFuture.completedFuture(null));
        deliver("r0", "r1");
        Await.until(() -> runs("r1") == 1 && dispatches.inFlight() == 0);
        deliver(2, "r2"); // polled after r0's failure was seen: a re-run of r0 (due at once here) would come first

        Await.until(() -> runs("r2") == 1);
        assertThat(runs("r0")).isEqualTo(1);
        assertThat(committed()).isZero();
    }

    private void start(Function<String, CompletableFuture<Void>> answer) {
        Function<Dispatch, CompletableFuture<Void>> pipeline = dispatch -> {
            String requestId = dispatch.getRequest().getRequestId();
            runs.computeIfAbsent(requestId, k -> new AtomicInteger()).incrementAndGet();
            return answer.apply(requestId);
        };
        dispatches = new DispatchConsumer(consumer, serdes.dispatch, pipeline, 100, DispatchConsumer.Handover.NONE,
                Duration.ZERO); // re-runs due at once
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        polling = new Thread(dispatches, "dispatch-consumer-test");
        polling.start();
        Await.until(() -> !consumer.subscription().isEmpty());
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(PARTITION)));
        Await.until(dispatches::isAssigned);
    }

    private void deliver(String... requestIds) {
        deliver(0, requestIds);
    }

    private void deliver(long firstOffset, String... requestIds) {
        consumer.schedulePollTask(() -> {
            long offset = firstOffset;
            for (String requestId : requestIds) {
                Dispatch dispatch = Dispatch.newBuilder()
                        .setRequest(TestRequests.hello().setRequestId(requestId).build())
                        .setCandidates(List.of(new Candidate("openai/gpt-4o-mini", null)))
                        .setFallback(new FallbackPolicy())
                        .setDispatchedAt(Instant.now())
                        .build();
                consumer.addRecord(new ConsumerRecord<>(Topics.DISPATCH, 0, offset++, requestId,
                        serdes.dispatch.serialize(Topics.DISPATCH, dispatch)));
            }
        });
    }

    private int runs(String requestId) {
        AtomicInteger n = runs.get(requestId);
        return n == null ? 0 : n.get();
    }

    private long committed() {
        OffsetAndMetadata offset = consumer.committed(Set.of(PARTITION)).get(PARTITION);
        return offset == null ? 0 : offset.offset();
    }

}
