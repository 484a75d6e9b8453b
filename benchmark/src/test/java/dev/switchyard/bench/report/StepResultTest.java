package dev.switchyard.bench.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StepResultTest {

    @Test
    void theMachineIsBusyWithEveryProcessesCpuOverAllCoresAndTheJitIsNotCountedTwice() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("switchyard", 10.0);
        cpu.put("kafka", 5.0);
        cpu.put("mock", 2.0);
        cpu.put("loadgen", 3.0);
        cpu.put("other", 4.0);
        cpu.put("jit", 6.0); // part of the switchyard and kafka seconds already
        cpu.put("wall", 20.0);

        assertThat(step(cpu).machineBusyShare(2)).isEqualTo(0.6);
        assertThat(step(cpu).machineBusyShare(1)).isEqualTo(1.0);
    }

    @Test
    void aStepWithoutACpuMeasurementHasNoShare() {
        assertThat(step(Map.of("switchyard", 1.0)).machineBusyShare(2)).isNull();
    }

    private static StepResult step(Map<String, Double> cpuSeconds) {
        return new StepResult("short", true, "switchyard", 100, 100, 100, 100, 0, Map.of(), null, null, null, null, 0, 20,
                cpuSeconds, Map.of(), Map.of(), Map.of(), 0, Map.of(), Map.of());
    }
}
