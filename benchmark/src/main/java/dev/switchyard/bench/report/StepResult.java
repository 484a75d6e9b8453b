package dev.switchyard.bench.report;

import dev.switchyard.bench.load.StepMeasurement;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the results: one target at one rate, with latencies in ms, CPU per group (seconds in the step and
 * ms per successful request), resident memory per group (MiB) at the end of the step, how long each group's threads
 * waited for a core per run (microseconds), and the records each Kafka topic gained per successful request.
 */
public record StepResult(String shape, boolean stream, String target, double rate, double achievedRps,
                         long scheduled, long ok, long errors, Map<String, Long> errorKinds,
                         Percentiles ttft, Percentiles total, Percentiles chunkLateness, Percentiles chunkGap,
                         double sendLagP99Ms, double contentChunksPerAnswer,
                         Map<String, Double> cpuSeconds, Map<String, Double> cpuMsPerRequest,
                         Map<String, Double> rssMiB, Map<String, Double> coreWaitMicrosPerRun, double loadAverage,
                         Map<String, Double> kafkaRecordsPerAnswer, Map<String, Double> kafkaRequestsPerAnswer) {

    public static StepResult of(String shape, boolean stream, String target, double rate,
                                StepMeasurement.Snapshot s, Map<String, Double> cpu, Map<String, Long> rss,
                                Map<String, Double> coreWait, double loadAverage, Map<String, Double> kafkaRecordsPerAnswer,
                                Map<String, Double> kafkaRequestsPerAnswer) {
        Map<String, Double> perRequest = new LinkedHashMap<>();
        cpu.forEach((group, seconds) -> {
            if (!group.equals("wall")) {
                perRequest.put(group, s.ok() == 0 ? 0 : Percentiles.round(seconds * 1000 / s.ok()));
            }
        });
        Map<String, Double> cpuRounded = new LinkedHashMap<>();
        cpu.forEach((g, v) -> cpuRounded.put(g, Percentiles.round(v)));
        Map<String, Long> kinds = new java.util.TreeMap<>(s.errorKinds());
        if (s.abandoned() > 0) {
            kinds.put("no answer within the drain time", s.abandoned());
        }
        Map<String, Double> waitRounded = new LinkedHashMap<>();
        coreWait.forEach((g, v) -> waitRounded.put(g, Percentiles.round(v)));
        Map<String, Double> mib = new LinkedHashMap<>();
        rss.forEach((g, v) -> mib.put(g, Percentiles.round(v / 1048576.0)));
        return new StepResult(shape, stream, target, rate, Percentiles.round(s.achievedRps()), s.scheduled(), s.ok(),
                s.errors() + s.abandoned(), kinds, Percentiles.of(s.ttft()), Percentiles.of(s.total()),
                Percentiles.of(s.chunkLateness()), Percentiles.of(s.chunkGap()),
                Percentiles.round(s.sendLag().getValueAtPercentile(99) / 1000.0),
                s.ok() == 0 ? 0 : Percentiles.round((double) s.contentChunks() / s.ok()), cpuRounded, perRequest, mib,
                waitRounded, loadAverage, kafkaRecordsPerAnswer, kafkaRequestsPerAnswer);
    }

    /**
     * CPU ms per request of the gateway under test: for Switchyard its JVM plus the Kafka broker, for a peer its own
     * process; null for the direct calls (no gateway) and for an external gateway whose process is unknown.
     */
    public Double gatewayCpuMsPerRequest() {
        if (target.equals("switchyard")) {
            return Percentiles.round(cpuMsPerRequest.getOrDefault("switchyard", 0.0)
                    + cpuMsPerRequest.getOrDefault("kafka", 0.0));
        }
        return cpuMsPerRequest.get(target);
    }

    /**
     * The share of the machine's cores busy during the step (every process, ours and anyone else's), or null when the
     * step was not measured. Near 1 the gateway gets only what the mock and the load generator leave, and its CPU per
     * request is that remainder divided by the rate: Kafka's clients and broker batch more the less CPU they get, so
     * the figure then measures the machine's room, not what a request needs.
     */
    public Double machineBusyShare(int cores) {
        Double wall = cpuSeconds.get("wall");
        if (wall == null || wall <= 0 || cores <= 0) {
            return null;
        }
        double busy = 0;
        for (Map.Entry<String, Double> e : cpuSeconds.entrySet()) {
            if (!e.getKey().equals("wall") && !e.getKey().equals("jit")) {
                busy += e.getValue();
            }
        }
        return Percentiles.round(Math.min(1.0, busy / (wall * cores)));
    }
}
