package dev.switchyard.bench.proc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the threads of named groups of processes waited for a core each time they ran, between {@link #start()}
 * and {@link #stop()}, in microseconds (the scheduler's own accounting, {@link ProcStat#schedWait}). On the 2-core
 * benchmark machine it is tens of microseconds with room and hundreds when full: every thread a token crosses (event
 * loops, Kafka's client and broker threads) waits that long on average before it can handle it, which is where a full
 * machine's added latency comes from when no single thread is busy.
 */
public final class CoreWaitMeter {
    private final Map<String, List<Long>> groups;
    private Map<String, long[]> before;

    public CoreWaitMeter(Map<String, List<Long>> groups) {
        this.groups = new LinkedHashMap<>(groups);
    }

    public CoreWaitMeter start() {
        before = read();
        return this;
    }

    /** Microseconds waited per run, per group, since {@link #start()} (groups whose threads did not run are left out). */
    public Map<String, Double> stop() {
        Map<String, long[]> after = read();
        Map<String, Double> perRun = new LinkedHashMap<>();
        after.forEach((group, a) -> {
            long[] b = before.get(group);
            long runs = a[1] - b[1];
            if (runs > 0) {
                perRun.put(group, Math.max(0, a[0] - b[0]) / 1000.0 / runs);
            }
        });
        return perRun;
    }

    private Map<String, long[]> read() {
        Map<String, long[]> now = new LinkedHashMap<>();
        groups.forEach((group, pids) -> {
            long[] sum = new long[2];
            for (long pid : pids) {
                long[] w = ProcStat.schedWait(pid);
                sum[0] += w[0];
                sum[1] += w[1];
            }
            now.put(group, sum);
        });
        return now;
    }
}
