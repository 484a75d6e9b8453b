package dev.switchyard.launcher;

import dev.switchyard.engine.RoutingEngineMain;
import dev.switchyard.ingress.IngressMain;
import dev.switchyard.metrics.MetricsStreamsMain;
import dev.switchyard.testsupport.mock.MockProviderMain;
import dev.switchyard.workers.WorkerMain;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code switchyard} command: {@code up} runs the whole stack; the other commands run one service each. */
public final class SwitchyardMain {
    private SwitchyardMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "up" : args[0];
        String[] rest = args.length == 0 ? new String[0] : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "up" -> up(List.of(rest));
            case "ingress" -> IngressMain.main(rest);
            case "routing-engine" -> RoutingEngineMain.main(rest);
            case "provider-workers" -> WorkerMain.main(rest);
            case "metrics-streams" -> MetricsStreamsMain.main(rest);
            case "mock-provider" -> MockProviderMain.main(rest);
            case "--help", "-h", "help" -> System.out.println("""
                    Usage: ./switchyard [up | ingress | routing-engine | provider-workers | metrics-streams | mock-provider | test] [options]
                    """ + UpOptions.USAGE);
            default -> {
                System.err.println("unknown command '" + command + "' (try --help)");
                System.exit(2);
            }
        }
    }

    private static void up(List<String> args) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(UpOptions.USAGE);
            return;
        }
        UpOptions options;
        try {
            options = UpOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchyard up: " + e.getMessage() + "\n\n" + UpOptions.USAGE);
            System.exit(2);
            return;
        }
        LocalStack stack = new LocalStack(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nswitchyard: stopping ...");
            stack.close();
            stopped.countDown();
        }, "switchyard-shutdown"));
        try {
            stack.start();
        } catch (Exception e) {
            System.err.println("switchyard up: could not start: " + e.getMessage());
            System.exit(1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!stack.isReady() && System.nanoTime() < deadline) {
            Thread.sleep(100); // waiting for the stages to report ready (a condition, polled)
        }
        System.out.println(Banner.of(stack, stack.isReady()));
        stopped.await();
    }
}
