package dev.switchyard.launcher.testkit;

import dev.switchyard.launcher.SwitchyardMain;
import dev.switchyard.testsupport.services.ChildProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Switchyard service as its own JVM, the way it runs in production: {@code SwitchyardMain <command>} with its
 * configuration in the environment, started through test-support's {@link ParentWatchdog} so it dies with the test
 * JVM even if that one is killed. Output goes to a log file (shown when a test fails). The class path is this JVM's.
 */
public final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final ChildProcess child;

    private ServiceProcess(String name, ChildProcess child) {
        this.name = name;
        this.child = child;
    }

    /** Starts {@code SwitchyardMain command} with {@code env} (provider keys of this environment are not passed on). */
    public static ServiceProcess start(String name, String command, Map<String, String> env, Path dir) {
        // Never let a developer's real provider keys turn a test into paid traffic.
        return new ServiceProcess(name, ChildProcess.start(name, List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                ChildProcess.thisClassPath(), SwitchyardMain.class.getName(), List.of(command), dir,
                dir.resolve(name + ".log"), env, k -> k.endsWith("_API_KEY") || k.endsWith("_BASE_URL")));
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    public long pid() {
        return child.pid();
    }

    /** SIGTERM (the service's shutdown hook runs: drain, then exit) and wait for the exit. */
    public int terminate(long timeoutSeconds) {
        child.process().destroy();
        return waitFor(timeoutSeconds);
    }

    /** SIGKILL: the process disappears mid-work, as on a crash or an OOM kill. */
    public void kill() {
        child.kill();
    }

    public int waitFor(long timeoutSeconds) {
        try {
            if (!child.process().waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeoutSeconds + " s; log:\n" + logTail());
            }
            return child.process().exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    public String logTail() {
        return child.logTail(60);
    }

    @Override
    public void close() {
        if (child.isAlive()) {
            child.process().descendants().forEach(ProcessHandle::destroyForcibly);
            child.kill();
        }
    }

    @Override
    public String toString() {
        return child.toString();
    }
}
