package dev.switchyard.launcher.testkit;

import dev.switchyard.launcher.SwitchyardMain;
import dev.switchyard.testsupport.services.ParentWatchdog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code SwitchyardMain command} with {@code env} (provider keys of this environment are not passed on). */
    public static ServiceProcess start(String name, String command, Map<String, String> env, Path dir) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(name + ".log");
            Path argFile = dir.resolve(name + ".args");
            Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n",
                    StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "@" + argFile,
                    ParentWatchdog.class.getName(), Long.toString(ProcessHandle.current().pid()),
                    SwitchyardMain.class.getName(), command));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // Never let a developer's real provider keys turn a test into paid traffic.
            pb.environment().keySet().removeIf(k -> k.endsWith("_API_KEY") || k.endsWith("_BASE_URL"));
            pb.environment().putAll(env);
            return new ServiceProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM (the service's shutdown hook runs: drain, then exit) and wait for the exit. */
    public int terminate(long timeoutSeconds) {
        process.destroy();
        return waitFor(timeoutSeconds);
    }

    /** SIGKILL: the process disappears mid-work, as on a crash or an OOM kill. */
    public void kill() {
        process.destroyForcibly();
        waitFor(30);
    }

    public int waitFor(long timeoutSeconds) {
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeoutSeconds + " s; log:\n" + logTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", log " + log + "]";
    }
}
