package dev.switchyard.testsupport.services;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real ClickHouse server (Debian's {@code clickhouse-server} package, 18.16 here; any newer binary works too) as
 * a child process on loopback, with a generated single-file config: random free HTTP and native ports, its own data
 * directory, the {@code default} user without password (the {@code users} section is required, else the server
 * exits with "There is no profile 'default'").
 *
 * <p>The server dies with this JVM even when the JVM is SIGKILLed: it runs under a small bash loop that watches
 * both this JVM's pid and the server and kills the server when this JVM is gone.
 *
 * <pre>{@code
 * ClickHouseServer ch = ClickHouseServer.shared();   // one per test JVM, or ClickHouseServer.builder().start()
 * String url = ch.httpUrl();                          // http://127.0.0.1:<port>
 * }</pre>
 *
 * <p>Used by the tests of metrics-streams and ingress, and by {@code ./switchyard up} (with a data directory under
 * its data folder, kept across restarts).
 */
public final class ClickHouseServer implements AutoCloseable {
    /** The one command that installs the server on Debian/Ubuntu. */
    public static final String INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y clickhouse-server clickhouse-client";
    private static final Object SHARED_LOCK = new Object();
    private static volatile ClickHouseServer shared;

    private final Path dataDir;
    private final boolean deleteOnStop;
    private final int httpPort;
    private final int tcpPort;
    private final Duration startTimeout;
    private final Duration stopGrace;
    private Process process;

    private ClickHouseServer(Builder b) {
        try {
            this.deleteOnStop = b.dataDir == null;
            this.dataDir = b.dataDir != null ? b.dataDir : Files.createTempDirectory("clickhouse-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = FreePorts.find(2);
        this.httpPort = b.httpPort > 0 ? b.httpPort : ports[0];
        this.tcpPort = ports[1];
        this.startTimeout = b.startTimeout;
        this.stopGrace = b.stopGrace;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One server per JVM, started on first use and stopped when the JVM ends. */
    public static ClickHouseServer shared() {
        ClickHouseServer s = shared;
        if (s != null) {
            return s;
        }
        synchronized (SHARED_LOCK) {
            if (shared == null) {
                ClickHouseServer started = builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "clickhouse-shutdown"));
                shared = started;
            }
            return shared;
        }
    }

    public static final class Builder {
        private Path dataDir;
        private int httpPort;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopGrace = Duration.ofSeconds(2);

        /** Keep data here (default: a temporary directory deleted on stop). */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link #stop()} waits after SIGTERM before SIGKILL (default 2 s). */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = grace;
            return this;
        }

        public ClickHouseServer start() {
            return new ClickHouseServer(this).startProcess();
        }
    }

    /** The server binary, or an exception that names the command that installs it. */
    public static Path binary() {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        Stream<String> dirs = Stream.concat(Stream.of(path.split(File.pathSeparator)),
                Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"));
        return dirs.filter(d -> !d.isBlank()).map(d -> Path.of(d, "clickhouse-server")).filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("clickhouse-server is not installed. Install it with: " + INSTALL_COMMAND));
    }

    private synchronized ClickHouseServer startProcess() {
        Path binary = binary();
        try {
            Files.createDirectories(dataDir.resolve("data/tmp"));
            Files.createDirectories(dataDir.resolve("data/user_files"));
            Path config = dataDir.resolve("config.xml");
            Files.writeString(config, config(), StandardCharsets.UTF_8);
            long parent = ProcessHandle.current().pid();
            // Dies with us: the loop kills the server once this JVM is gone (even after a SIGKILL), and on SIGTERM.
            String script = "'" + binary + "' --config-file='" + config + "' & c=$!; "
                    + "trap 'kill $c 2>/dev/null; wait $c; exit 0' TERM INT; "
                    + "while kill -0 " + parent + " 2>/dev/null && kill -0 $c 2>/dev/null; do sleep 1; done; "
                    + "kill $c 2>/dev/null; wait $c";
            process = new ProcessBuilder("bash", "-c", script)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitReady();
        return this;
    }

    private String config() {
        String dir = dataDir.toAbsolutePath().toString();
        return """
                <yandex>
                  <logger><level>warning</level><console>1</console></logger>
                  <listen_host>127.0.0.1</listen_host>
                  <http_port>%d</http_port>
                  <tcp_port>%d</tcp_port>
                  <path>%s/data/</path>
                  <tmp_path>%s/data/tmp/</tmp_path>
                  <user_files_path>%s/data/user_files/</user_files_path>
                  <users_config>config.xml</users_config>
                  <default_profile>default</default_profile>
                  <default_database>default</default_database>
                  <timezone>UTC</timezone>
                  <mark_cache_size>268435456</mark_cache_size>
                  <profiles><default/></profiles>
                  <users>
                    <default>
                      <password/>
                      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                      <profile>default</profile>
                      <quota>default</quota>
                    </default>
                  </users>
                  <quotas><default/></quotas>
                </yandex>
                """.formatted(httpPort, tcpPort, dir, dir, dir);
    }

    /** Polls {@code SELECT 1} over HTTP until it answers, the process dies, or the start timeout passes. */
    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(httpUrl() + "/?query=" + URLEncoder.encode("SELECT 1", StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("clickhouse-server exited with " + process.exitValue() + "; log " + logFile()
                        + ":\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(ping, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().trim().equals("1")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for clickhouse-server", e);
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval; returns early if the server dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for clickhouse-server", e);
            }
        }
        stop();
        throw new IllegalStateException("clickhouse-server did not answer within " + startTimeout + "; log " + logFile()
                + ":\n" + tail());
    }

    /** {@code http://127.0.0.1:<port>}: the URL for {@code com.clickhouse:client-v2} and plain HTTP. */
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("clickhouse.log");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server and deletes a temporary data directory. SIGTERM first; ClickHouse 18.16 then waits about
     * 10 s for clients' idle keep-alive connections, so after {@link Builder#stopGrace} it gets SIGKILL (its
     * MergeTree parts are written atomically, so that loses nothing that was acknowledged).
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + stopGrace.toNanos();
        for (ProcessHandle p : tree) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // SIGKILLed: gone as soon as the kernel reaps it
            }
        }
        process = null;
        if (deleteOnStop) {
            deleteRecursively(dataDir);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return "ClickHouseServer[" + httpUrl() + ", data " + dataDir + "]";
    }
}
