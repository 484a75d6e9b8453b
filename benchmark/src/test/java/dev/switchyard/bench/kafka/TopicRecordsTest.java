package dev.switchyard.bench.kafka;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRecordsTest {

    @Test
    void recordsPerAnswerCountOnlyWhatEachTopicGainedDuringTheStep() {
        Map<String, Long> before = Map.of("llm.requests", 1_000L, "llm.replies", 5_000L, "router.configs", 3L);
        Map<String, Long> after = Map.of("llm.requests", 1_400L, "llm.replies", 5_802L, "router.configs", 3L,
                "switchyard-metrics-completion-deltas-repartition", 400L);

        assertThat(TopicRecords.perAnswer(before, after, 400)).containsExactly(
                Map.entry("llm.replies", 2.01), Map.entry("llm.requests", 1.0),
                Map.entry("switchyard-metrics-completion-deltas-repartition", 1.0));
        assertThat(TopicRecords.perAnswer(before, after, 0)).isEmpty();
    }
}
