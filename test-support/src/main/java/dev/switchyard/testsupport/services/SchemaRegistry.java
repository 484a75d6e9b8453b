package dev.switchyard.testsupport.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry (2.6.x, Confluent-compatible API at {@code /apis/ccompat/v7}) in a child JVM.
 *
 * <pre>{@code
 * try (SchemaRegistry registry = SchemaRegistry.builder().dataDir(dir).start()) {
 *     String url = registry.url();   // http://127.0.0.1:PORT/apis/ccompat/v7
 * }
 * }</pre>
 *
 * <p>Without a data directory, schemas live in memory (lost on restart). With one, they are kept
 * in an H2 file {@code <dataDir>/registry.mv.db}, so schema ids survive restarts. The child runs
 * {@code java -cp <runner jar>:<test-support> ParentWatchdog <pid> <runner Main-Class>}, so it
 * dies with this JVM. Output goes to {@code <dataDir or temp dir>/registry.log}.
 */
public final class SchemaRegistry extends ChildJvmService<SchemaRegistry> {
    /** Path of the Confluent-compatible API. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private final Path dataDir;
    private final int port;
    private final List<String> jvmArgs;
    private final Map<String, String> systemProperties;
    private final Path runnerJar;

    private SchemaRegistry(Builder b) {
        super("schema registry", workDir(b.dataDir), b.dataDir == null, b.startTimeout, Duration.ofSeconds(20), b.stopOnJvmExit);
        this.dataDir = b.dataDir == null ? null : workDir();
        this.port = b.port != 0 ? b.port : FreePorts.find();
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.runnerJar = b.runnerJar != null ? b.runnerJar.toAbsolutePath() : ApicurioDistribution.runnerJar();
    }

    /** The data directory, created if needed; without one, a new temporary directory for the log. */
    private static Path workDir(Path dataDir) {
        try {
            return dataDir != null ? Files.createDirectories(dataDir.toAbsolutePath())
                    : Files.createTempDirectory("switchyard-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link SchemaRegistry}. */
    public static final class Builder {
        private boolean stopOnJvmExit = true;

        /**
         * Whether a JVM shutdown hook stops the child (default true). An owner that stops its services in order on
         * exit (the launcher: clients before the broker) turns it off; the child still dies with this JVM.
         */
        public Builder stopOnJvmExit(boolean stop) {
            this.stopOnJvmExit = stop;
            return this;
        }

        private Path dataDir;
        private int port;
        private List<String> jvmArgs = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(90);
        private Path runnerJar;

        private Builder() {
        }

        /** Keep schemas in an H2 file in this directory (default: in memory, nothing kept). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** HTTP port on 127.0.0.1; 0 (default) picks a free one (kept across restarts of this instance). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * JVM options (replace the default {@code -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}: C1 only
         * starts ~25 % faster, and the registry is off the hot path since serdes cache schemas).
         */
        public Builder jvmArgs(String... args) {
            this.jvmArgs = List.of(args);
            return this;
        }

        /** An extra {@code -Dkey=value} for the registry (Quarkus / Apicurio configuration). */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The runner jar to use (default: {@link ApicurioDistribution#runnerJar()}). */
        public Builder runnerJar(Path jar) {
            this.runnerJar = jar;
            return this;
        }

        public SchemaRegistry build() {
            return new SchemaRegistry(this);
        }

        /** Builds and starts; returns once the Confluent API answers. */
        public SchemaRegistry start() {
            return build().start();
        }
    }

    /** Runs the registry's runner jar under {@link ParentWatchdog}, on H2 in the data directory if there is one. */
    @Override
    protected ChildProcess launch() {
        List<String> jvm = new ArrayList<>(jvmArgs);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.http.port", Integer.toString(port));
        props.put("quarkus.http.host", "127.0.0.1");
        props.put("java.awt.headless", "true");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        if (dataDir != null) {
            String url = "jdbc:h2:file:" + dataDir.resolve("registry") + ";DB_CLOSE_ON_EXIT=FALSE";
            props.put("quarkus.datasource.jdbc.url", url);
            env.put("REGISTRY_DATASOURCE_URL", url);
        }
        props.putAll(systemProperties);
        props.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        String classpath = runnerJar + java.io.File.pathSeparator + ChildProcess.codeSource(ParentWatchdog.class);
        return ChildProcess.start("schema-registry", jvm, classpath, ApicurioDistribution.mainClass(runnerJar),
                List.of(), workDir(), logFile(), env);
    }

    /** Ready when {@code GET /apis/ccompat/v7/subjects} answers 200. */
    @Override
    protected void awaitReady(long deadline) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(5))
                .GET().build();
        String last = "no answer";
        while (true) {
            failIfGone(deadline, last);
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the schema registry", e);
            }
            pause(100);
        }
    }

    /** The Confluent-compatible base URL: {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The H2 data directory, or {@code null} for in-memory storage. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public Path logFile() {
        return workDir().resolve("registry.log");
    }

    public Path runnerJar() {
        return runnerJar;
    }

    @Override
    public String toString() {
        return "SchemaRegistry[" + url() + (dataDir == null ? ", in memory" : ", " + dataDir) + "]";
    }
}
