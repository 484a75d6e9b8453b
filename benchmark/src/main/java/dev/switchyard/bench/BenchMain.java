package dev.switchyard.bench;

import java.util.Arrays;
import java.util.List;

/**
 * {@code ./switchyard bench [options]}: the load benchmark (see {@link BenchOptions#USAGE});
 * {@code ./switchyard bench --jmh [JMH options]}: the JMH microbenchmarks of the hot paths.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-bench.xml");
        }
        List<String> list = List.of(args);
        if (list.contains("--help") || list.contains("-h")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        if (!list.isEmpty() && list.get(0).equals("--jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(list);
        } catch (IllegalArgumentException e) {
            System.err.println("switchyard bench: " + e.getMessage() + "\n\n" + BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        new BenchRun(options, "./switchyard bench " + String.join(" ", args)).run();
        System.exit(0); // child processes and client threads are closed; don't wait on stray non-daemon threads
    }
}
