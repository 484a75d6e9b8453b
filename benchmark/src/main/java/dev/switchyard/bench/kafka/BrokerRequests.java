package dev.switchyard.bench.kafka;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many requests of each kind (Produce, Fetch, OffsetCommit, ...) the stack's broker served, read from its own
 * request metrics over JMX. Divided by a step's answers it says how many Kafka requests one request costs: the
 * broker's CPU follows requests, not records (tenth pass: ~0.17 ms per request at 400 rps whatever they carry).
 */
public final class BrokerRequests implements AutoCloseable {
    /** One MBean per request kind and API version. */
    private static final String REQUESTS = "kafka.network:type=RequestMetrics,name=RequestsPerSec,*";

    private final JMXConnector connector;
    private final MBeanServerConnection server;

    public BrokerRequests(int jmxPort) throws IOException {
        this.connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
        this.server = connector.getMBeanServerConnection();
    }

    /** The JVM options that open a broker's JMX on {@code port}, on loopback only and without authentication. */
    public static List<String> jvmOptions(int port) {
        return List.of("-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false",
                "-Dcom.sun.management.jmxremote.local.only=true", "-Djava.rmi.server.hostname=127.0.0.1");
    }

    /** Requests served since the broker started, per request kind (summed over API versions). */
    public Map<String, Long> served() {
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName(REQUESTS), null)) {
                long count = ((Number) server.getAttribute(name, "Count")).longValue();
                counts.merge(name.getKeyProperty("request"), count, Long::sum);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the broker's request metrics: " + e, e);
        }
        return counts;
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
