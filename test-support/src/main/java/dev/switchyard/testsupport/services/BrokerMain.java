package dev.switchyard.testsupport.services;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Main of the broker child JVM: {@code BrokerMain <server.properties> <clusterId>}. Formats the
 * KRaft storage if it is not formatted yet (so a restart keeps the data), then runs
 * {@code kafka.Kafka.main}.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain <server.properties> <clusterId>");
            System.exit(2);
        }
        Path config = Path.of(args[0]);
        String clusterId = args[1];
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            props.load(in);
        }
        String logDirs = props.getProperty("log.dirs", props.getProperty("log.dir"));
        Path metaProperties = Path.of(logDirs.split(",")[0].trim()).resolve("meta.properties");
        if (!Files.exists(metaProperties)) {
            System.out.println("BrokerMain: formatting " + logDirs + " with cluster id " + clusterId);
            int rc = kafka.tools.StorageTool.execute(new String[] {
                "format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"}, System.out);
            if (rc != 0) {
                System.err.println("BrokerMain: formatting failed with exit code " + rc);
                System.exit(rc);
            }
        } else {
            System.out.println("BrokerMain: " + logDirs + " already formatted");
        }
        System.out.flush();
        kafka.Kafka.main(new String[] {config.toString()});
    }
}
