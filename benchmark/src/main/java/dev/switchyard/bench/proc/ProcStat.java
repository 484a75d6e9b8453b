package dev.switchyard.bench.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process from Linux's {@code /proc}: {@code utime + stime} of
 * {@code /proc/<pid>/stat} (all its threads, in clock ticks) and {@code VmRSS} of {@code /proc/<pid>/status}; and the
 * whole machine's busy time from {@code /proc/stat}, to tell how much CPU other work took during a step.
 */
public final class ProcStat {
    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux this runs on. */
    public static final double TICKS_PER_SECOND = clockTicks();

    private ProcStat() {
    }

    /** User + system CPU seconds consumed so far by {@code pid} (0 when it is gone or /proc is absent). */
    public static double cpuSeconds(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of a {@code stat} line (a process's or a thread's). */
    private static long ticks(String stat) {
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
    }

    /**
     * CPU seconds {@code pid}'s JIT compiler threads ({@code C1/C2 CompilerThread*}) consumed so far: the JVM's
     * warm-up, which a long-running router pays once but a short benchmark step keeps paying (at 50 rps a minute into a
     * run the C2 threads still took ~0.16 cores of the Switchyard JVM).
     */
    public static double compilerCpuSeconds(long pid) {
        double seconds = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        seconds += ticks(Files.readString(task.resolve("stat"))) / TICKS_PER_SECOND;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return seconds;
    }

    /**
     * How long {@code pid}'s threads have waited, runnable, for a core, and how many times they got one, so far:
     * {@code {wait ns, runs}} summed over {@code /proc/<pid>/task/<tid>/schedstat} ("run ns, wait ns, runs"; threads
     * that ended are not counted, so compare two readings of long-lived threads). {0, 0} when unknown.
     */
    public static long[] schedWait(long pid) {
        long[] total = new long[2];
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    total[0] += Long.parseLong(f[1]);
                    total[1] += Long.parseLong(f[2]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
        return total;
    }

    /** Resident set size of {@code pid} in bytes (0 when unknown). */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** Busy CPU seconds of the whole machine so far (every core: user, nice, system, irq, softirq, steal). */
    public static double machineBusySeconds() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
            String[] f = first.trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + (f.length > 8 ? Long.parseLong(f[8]) : 0);
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return Double.parseDouble(out);
        } catch (Exception e) {
            return 100;
        }
    }
}
