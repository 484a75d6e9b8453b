package dev.switchyard.bench.stack;

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
 * A child JVM on this JVM's class path, started through test-support's {@link ParentWatchdog} so it dies with the
 * benchmark even when the benchmark is killed. Its own process, so its CPU and memory can be read apart.
 */
public final class JavaChild implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private JavaChild(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static JavaChild start(String name, List<String> jvmArgs, String mainClass, List<String> args,
                                  Map<String, String> env, List<String> unsetEnv, Path workDir) {
        try {
            Files.createDirectories(workDir);
            Path argFile = workDir.resolve(name + ".classpath.args");
            Files.writeString(argFile, "-cp \"" + absoluteClassPath() + "\"\n", StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmArgs);
            cmd.add("@" + argFile);
            cmd.add(ParentWatchdog.class.getName());
            cmd.add(Long.toString(ProcessHandle.current().pid()));
            cmd.add(mainClass);
            cmd.addAll(args);
            Path log = workDir.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            unsetEnv.forEach(pb.environment()::remove);
            pb.environment().putAll(env);
            return new JavaChild(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry.endsWith("*")
                        ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + "/*"
                        : Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries).replace("\\", "\\\\").replace("\"", "\\\"");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the child's output, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, up to 30 s for a clean stop (a JFR recording is written then), then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + ", log " + log + "]";
    }
}
