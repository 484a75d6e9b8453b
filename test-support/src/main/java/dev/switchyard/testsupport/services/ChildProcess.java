package dev.switchyard.testsupport.services;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM started through {@link ParentWatchdog} (so it dies with this JVM, even after SIGKILL), with its output
 * appended to a log file: the broker and registry here, the benchmark's mock and Switchyard, the crash tests' services.
 */
public final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** The {@code java} of the running JVM. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Where the class {@code c} was loaded from (a jar or a classes directory). */
    static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            throw new IllegalStateException("cannot locate the code source of " + c.getName(), e);
        }
    }

    /** The child runs in its own directory: relative class path entries (a launcher run as {@code -cp lib/*}) must become absolute. */
    static String absolute(String classpath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry.endsWith("*")
                        ? Path.of(entry.substring(0, entry.length() - 1)).toAbsolutePath() + java.io.File.separator + "*"
                        : Path.of(entry).toAbsolutePath().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** This JVM's class path, for a child that runs code of this build. */
    public static String thisClassPath() {
        return System.getProperty("java.class.path");
    }

    /**
     * Starts {@code java jvmArgs -cp classpath ParentWatchdog <our pid> mainClass args} in {@code workDir}, with this
     * process's environment plus {@code env}. The class path goes through an argument file in {@code workDir}, so its
     * length doesn't matter.
     */
    public static ChildProcess start(String name, List<String> jvmArgs, String classpath, String mainClass,
                                     List<String> args, Path workDir, Path logFile, Map<String, String> env) {
        return start(name, jvmArgs, classpath, mainClass, args, workDir, logFile, env, variable -> false);
    }

    /** As above, without the inherited variables {@code dropInherited} accepts (a developer's provider keys, say). */
    public static ChildProcess start(String name, List<String> jvmArgs, String classpath, String mainClass,
                                     List<String> args, Path workDir, Path logFile, Map<String, String> env,
                                     Predicate<String> dropInherited) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Path argFile = workDir.resolve(name + ".classpath.args");
            Files.writeString(argFile, "-cp \"" + absolute(classpath).replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n",
                    StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            cmd.addAll(jvmArgs);
            cmd.add("@" + argFile);
            cmd.add(ParentWatchdog.class.getName());
            cmd.add(Long.toString(ProcessHandle.current().pid()));
            cmd.add(mainClass);
            cmd.addAll(args);
            Files.writeString(logFile, "---- " + java.time.Instant.now() + " starting " + name + ": "
                    + String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(dropInherited);
            pb.environment().putAll(env);
            return new ChildProcess(name, pb.start(), logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL and wait until it is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log file (at most the last 64 KiB of it). */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int size = (int) Math.min(len, 64 * 1024);
            byte[] buf = new byte[size];
            f.seek(len - size);
            f.readFully(buf);
            String text = new String(buf, StandardCharsets.UTF_8);
            List<String> all = text.lines().toList();
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return String.join(System.lineSeparator(), last);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** SIGTERM, up to 30 s for a clean stop (a JFR recording or a drain finishes then), then SIGKILL. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", log " + logFile + "]";
    }
}
