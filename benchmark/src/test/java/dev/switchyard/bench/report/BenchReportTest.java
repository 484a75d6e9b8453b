package dev.switchyard.bench.report;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BenchReportTest {

    @Test
    void theKafkaRequestsTableCountsEachConsumerFetchOnce() {
        BenchReport report = new BenchReport(Map.of("cores", 2), "./switchyard bench");
        report.shapes.add("short");
        report.steps.add(new StepResult("short", true, "switchyard", 400, 400, 8000, 8000, 0, Map.of(), null, null, null,
                null, 0, 20, Map.of("switchyard", 10.0, "wall", 20.0), Map.of(), Map.of(), Map.of(), 0, Map.of("llm.requests", 1.0),
                Map.of("Produce", 3.0, "Fetch", 3.4, "FetchConsumer", 3.4, "OffsetCommit", 0.05)));

        String markdown = report.markdown().replaceAll(" +", " ");

        assertThat(markdown).contains("Kafka requests the broker served per successful request")
                .contains("| shape | stream | rate | total | Produce | Fetch | other |")
                .contains("| short | yes | 400 | 6.45 | 3 | 3.40 | 0.05 |");
    }

    @Test
    void theCoreWaitTableShowsEachProcessesWaitPerRun() {
        BenchReport report = new BenchReport(Map.of("cores", 2), "./switchyard bench");
        report.shapes.add("realistic");
        report.steps.add(new StepResult("realistic", true, "switchyard", 200, 200, 6000, 6000, 0, Map.of(), null, null,
                null, null, 0, 100, Map.of("wall", 30.0), Map.of(), Map.of(),
                Map.of("switchyard", 116.5, "kafka", 170.9, "mock", 179.0, "loadgen", 109.9), 0, Map.of(), Map.of()));

        String markdown = report.markdown().replaceAll(" +", " ");

        assertThat(markdown).contains("Waiting for a core")
                .contains("| shape | stream | rate | target | switchyard | kafka | mock | loadgen | peer |")
                .contains("| realistic | yes | 200 | switchyard | 117 | 171 | 179 | 110 | - |");
    }
}
