package dev.switchyard.bench.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds used by named groups of processes between {@link #start()} and {@link #stop()}: "router" (the
 * Switchyard JVM and the Kafka broker), "mock", "loadgen" (this JVM), a peer gateway, ... plus "other", the
 * machine's busy time not spent by any group (other engineers' builds, the kernel), so a noisy step is visible;
 * and "jit", the part of the JIT-compiler threads of the processes named in {@code jitOf} (included in their groups).
 */
public final class CpuMeter {
    private final Map<String, List<Long>> groups;
    private final List<Long> jitOf;
    private Map<String, Double> before;
    private double machineBefore;
    private long startNanos;

    public CpuMeter(Map<String, List<Long>> groups, List<Long> jitOf) {
        this.groups = new LinkedHashMap<>(groups);
        this.jitOf = List.copyOf(jitOf);
    }

    public CpuMeter start() {
        before = read();
        machineBefore = ProcStat.machineBusySeconds();
        startNanos = System.nanoTime();
        return this;
    }

    /** CPU seconds per group since {@link #start()}, "other" and the wall time ("wall"). */
    public Map<String, Double> stop() {
        Map<String, Double> after = read();
        double machine = ProcStat.machineBusySeconds() - machineBefore;
        Map<String, Double> used = new LinkedHashMap<>();
        double ours = 0;
        for (String group : groups.keySet()) {
            double d = after.get(group) - before.get(group);
            used.put(group, d);
            ours += d;
        }
        used.put("other", Math.max(0, machine - ours));
        used.put("jit", after.get("jit") - before.get("jit"));
        used.put("wall", (System.nanoTime() - startNanos) / 1e9);
        return used;
    }

    /** Resident memory per group, in bytes, now. */
    public Map<String, Long> rss() {
        Map<String, Long> rss = new LinkedHashMap<>();
        groups.forEach((group, pids) -> rss.put(group, pids.stream().mapToLong(ProcStat::rssBytes).sum()));
        return rss;
    }

    private Map<String, Double> read() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        groups.forEach((group, pids) -> cpu.put(group, pids.stream().mapToDouble(ProcStat::cpuSeconds).sum()));
        cpu.put("jit", jitOf.stream().mapToDouble(ProcStat::compilerCpuSeconds).sum());
        return cpu;
    }
}
