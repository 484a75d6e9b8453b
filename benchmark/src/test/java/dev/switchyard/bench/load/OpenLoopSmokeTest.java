package dev.switchyard.bench.load;

import dev.switchyard.bench.Shape;
import dev.switchyard.testsupport.mock.MockLlmProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness runs a tiny step against the real mock provider and counts what a client sees. */
class OpenLoopSmokeTest {
    private static MockLlmProvider mock;
    private static OpenLoopRunner runner;

    @BeforeAll
    static void start() {
        mock = MockLlmProvider.builder().host("127.0.0.1").maxRecordedRequests(0).start();
        runner = new OpenLoopRunner(1, 64, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        runner.close();
        mock.close();
    }

    private static Target direct(Shape shape) {
        return new Target("direct", mock.baseUrl() + "/v1/chat/completions", Map.of(),
                RequestBodies.of("gpt-4o-mini", shape, false));
    }

    @Test
    void streamingStepCountsEveryChunkOfEveryAnswer() {
        Shape shape = Shape.SHORT.withChunks(5);
        StepMeasurement.Snapshot s = runner.run(direct(shape), shape, true, 20, Duration.ofSeconds(2), Duration.ofSeconds(10));

        assertThat(s.errors()).as("errors %s", s.errorKinds()).isZero();
        assertThat(s.scheduled()).isEqualTo(40);
        assertThat(s.ok()).isEqualTo(40);
        assertThat(s.contentChunks()).isEqualTo(40 * 5);
        assertThat(s.ttft().getTotalCount()).isEqualTo(40);
        assertThat(s.chunkGap().getTotalCount()).isEqualTo(40 * 4);
        assertThat(s.achievedRps()).isGreaterThan(0);
    }

    @Test
    void nonStreamingStepCountsAnswers() {
        Shape shape = Shape.SHORT;
        StepMeasurement.Snapshot s = runner.run(direct(shape), shape, false, 10, Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(s.errors()).as("errors %s", s.errorKinds()).isZero();
        assertThat(s.ok()).isEqualTo(10);
        assertThat(s.total().getTotalCount()).isEqualTo(10);
    }

    @Test
    void refusedRequestsAreErrors() {
        Shape shape = Shape.SHORT;
        // Routing metadata without store: the mock rejects it with a 400, as OpenAI does.
        Target leaking = new Target("direct", mock.baseUrl() + "/v1/chat/completions", Map.of(),
                RequestBodies.of("gpt-4o-mini", shape, true));
        StepMeasurement.Snapshot s = runner.run(leaking, shape, true, 10, Duration.ofSeconds(1), Duration.ofSeconds(10));

        assertThat(s.ok()).isZero();
        assertThat(s.errorKinds()).containsEntry("HTTP 400", 10L);
    }
}
