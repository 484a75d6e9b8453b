package dev.switchyard.testsupport.services;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test helper process: starts a child through {@link ChildProcess}, prints its pid, waits forever. */
public final class OrphanParent {
    private OrphanParent() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ChildProcess child = ChildProcess.start("sleeper", List.of("-Xmx32m"), System.getProperty("java.class.path"),
                SleepForever.class.getName(), List.of(), dir, dir.resolve("sleeper.log"), Map.of());
        // Wait until the child's watchdog runs, so the test kills a parent that is being watched.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!ChildProcess.tail(child.logFile(), 20).contains("watching parent")) {
            if (System.nanoTime() > deadline || child.process().waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                System.out.println("child did not start: " + ChildProcess.tail(child.logFile(), 20));
                System.exit(1);
            }
        }
        System.out.println("child " + child.pid());
        System.out.flush();
        child.process().waitFor();
    }

    /** The child: blocks until killed. */
    public static final class SleepForever {
        private SleepForever() {
        }

        public static void main(String[] args) throws InterruptedException {
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }
}
