package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("llm.dispatch", 0);

    @Test
    void theCommittableOffsetIsTheLowestStillInFlight() {
        OffsetTracker tracker = new OffsetTracker();
        tracker.started(P0, 10);
        tracker.started(P0, 11);
        tracker.started(P0, 12);
        tracker.finished(P0, 12);
        tracker.finished(P0, 10);
        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(11)));
        assertThat(tracker.takeCommittable()).isEmpty(); // nothing advanced since
        tracker.finished(P0, 11);
        assertThat(tracker.takeCommittable()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
    }

    @Test
    void asynchronousCommitsWaitForTheIntervalButSynchronousOnesDoNot() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0));
        OffsetTracker tracker = new OffsetTracker(Duration.ofHours(1));

        tracker.started(P0, 0);
        tracker.finished(P0, 0);
        tracker.commitTo(consumer, false); // the first commit goes at once
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(1);

        tracker.started(P0, 1);
        tracker.finished(P0, 1);
        tracker.commitTo(consumer, false); // within the interval: held back, not lost
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(1);

        tracker.commitTo(consumer, true); // before a rebalance or close
        assertThat(consumer.committed(java.util.Set.of(P0)).get(P0).offset()).isEqualTo(2);
    }
}
