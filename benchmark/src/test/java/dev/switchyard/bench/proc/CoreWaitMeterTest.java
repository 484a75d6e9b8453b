package dev.switchyard.bench.proc;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CoreWaitMeterTest {

    @Test
    void moreBusyThreadsThanCoresShowAsWaitingForACore() throws InterruptedException {
        long self = ProcessHandle.current().pid();
        CoreWaitMeter meter = new CoreWaitMeter(Map.of("self", List.of(self), "gone", List.of(Long.MAX_VALUE))).start();

        // Two more threads than cores, each until it has had 50 ms of CPU: some of them must wait for a core.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 2; i++) {
            Thread t = new Thread(() -> {
                long until = threads.getCurrentThreadCpuTime() + 50_000_000L;
                while (threads.getCurrentThreadCpuTime() < until) {
                    Thread.onSpinWait();
                }
            });
            t.start();
            busy.add(t);
        }
        for (Thread t : busy) {
            t.join();
        }
        Map<String, Double> waited = meter.stop();

        assertThat(waited).containsOnlyKeys("self"); // a process that does not exist ran no thread
        assertThat(waited.get("self")).isPositive();
    }
}
