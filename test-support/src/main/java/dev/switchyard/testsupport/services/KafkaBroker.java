package dev.switchyard.testsupport.services;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running in a child JVM.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.builder().start()) {
 *     String bootstrap = kafka.bootstrapServers();   // 127.0.0.1:PORT
 *     kafka.createTopics(3, "llm.requests");
 * }
 * }</pre>
 *
 * <p>The child runs {@link BrokerMain} (format if needed, then {@code kafka.Kafka}) with this
 * JVM's class path, under {@link ParentWatchdog}, so it dies with this JVM. Its output goes to
 * {@code <dataDir>/broker.log}; log4j keeps it at WARN. Restarting on the same data directory
 * keeps the topics and records. A temporary data directory (the default) is deleted by
 * {@link #close()}.
 */
public final class KafkaBroker extends ChildJvmService<KafkaBroker> {
    private static final String CLASSPATH = System.getProperty("java.class.path");

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final List<String> jvmArgs;
    private final Map<String, String> extraProperties;
    private final int numPartitions;

    private KafkaBroker(Builder b) {
        super("Kafka broker", dataDir(b.dataDir), b.dataDir == null, b.startTimeout, Duration.ofSeconds(30), b.stopOnJvmExit);
        this.dataDir = workDir();
        int[] free = FreePorts.find(2);
        this.port = b.port != 0 ? b.port : free[0];
        this.controllerPort = b.controllerPort != 0 ? b.controllerPort : free[1];
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.extraProperties = Map.copyOf(b.properties);
        this.numPartitions = b.numPartitions;
    }

    /** The given data directory, created if needed, or a new temporary one. */
    private static Path dataDir(Path given) {
        try {
            Path dir = (given == null ? Files.createTempDirectory("switchyard-kafka-") : given).toAbsolutePath();
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link KafkaBroker}. */
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
        private int controllerPort;
        private List<String> jvmArgs = List.of("-Xmx512m");
        private final Map<String, String> properties = new LinkedHashMap<>();
        private int numPartitions = 1;
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Where the logs and configuration live; default a temporary directory deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Client port on 127.0.0.1; 0 (default) picks a free one (kept across restarts of this instance). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Controller port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** JVM options of the broker JVM (replace the default {@code -Xmx512m}). */
        public Builder jvmArgs(String... args) {
            this.jvmArgs = List.of(args);
            return this;
        }

        /** An extra broker property (overrides the defaults). */
        public Builder brokerProperty(String key, String value) {
            properties.put(key, value);
            return this;
        }

        public Builder brokerProperties(Map<String, String> props) {
            properties.putAll(props);
            return this;
        }

        /** {@code num.partitions}: partitions of topics created without a count. Default 1. */
        public Builder numPartitions(int n) {
            this.numPartitions = n;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The broker, not started. */
        public KafkaBroker build() {
            return new KafkaBroker(this);
        }

        /** Builds and starts the broker; returns once it answers. */
        public KafkaBroker start() {
            return build().start();
        }
    }

    /** Runs {@link BrokerMain} with this JVM's class path: it formats the data directory if needed, then starts Kafka. */
    @Override
    protected ChildProcess launch() {
        Path config = writeConfig();
        Path log4j = writeLog4jConfig();
        List<String> jvm = new ArrayList<>(jvmArgs);
        jvm.add("-Dlog4j2.configurationFile=" + log4j);
        jvm.add("-Dkafka.logs.dir=" + dataDir.resolve("logs"));
        jvm.add("-Djava.awt.headless=true");
        return ChildProcess.start("kafka-broker", jvm, CLASSPATH, BrokerMain.class.getName(),
                List.of(config.toString(), clusterId()), dataDir, logFile(), Map.of());
    }

    /** Ready when the listener accepts connections and then an Admin client's describeCluster names a node. */
    @Override
    protected void awaitReady(long deadline) {
        // 1. the listener accepts connections (no Admin client noise while the JVM boots)
        while (true) {
            failIfGone(deadline, null);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 250);
                break;
            } catch (IOException notYet) {
                pause(50);
            }
        }
        // 2. the broker serves metadata
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (Admin admin = Admin.create(p)) {
            Exception last = null;
            while (true) {
                failIfGone(deadline, last);
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting Kafka", e);
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
                pause(100);
            }
        }
    }

    private String clusterId() {
        Path f = dataDir.resolve("cluster.id");
        try {
            if (Files.exists(f)) {
                return Files.readString(f, StandardCharsets.UTF_8).strip();
            }
            String id = Uuid.randomUuid().toString();
            Files.writeString(f, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path writeConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("kraft-logs").toString());
        p.put("num.partitions", Integer.toString(numPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("auto.create.topics.enable", "false");
        // Sized to the machine rather than Kafka's 3 network + 8 I/O threads, which on 2 cores mostly trade places.
        int cores = Runtime.getRuntime().availableProcessors();
        p.put("num.network.threads", Integer.toString(Math.min(3, cores)));
        p.put("num.io.threads", Integer.toString(Math.max(2, cores)));
        p.putAll(extraProperties);
        StringBuilder sb = new StringBuilder("# written by dev.switchyard.testsupport.services.KafkaBroker\n");
        p.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path f = dataDir.resolve("server.properties");
        try {
            Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    private Path writeLog4jConfig() {
        String cfg = String.join("\n",
                "# written by dev.switchyard.testsupport.services.KafkaBroker: the broker logs at WARN",
                "status = warn",
                "name = switchyard-broker",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.out.ref = OUT",
                "");
        Path f = dataDir.resolve("log4j2.properties");
        try {
            Files.writeString(f, cfg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return f;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Minimal client configuration: {@code bootstrap.servers}. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", bootstrapServers());
        return m;
    }

    /** Creates topics (replication factor 1); existing ones are left alone. */
    public void createTopics(int partitions, String... topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            for (var f : admin.createTopics(list).values().values()) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topics: " + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topics", e);
        }
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The broker JVM's output (appended across restarts). */
    @Override
    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }
}
