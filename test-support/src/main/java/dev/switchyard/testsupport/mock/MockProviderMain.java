package dev.switchyard.testsupport.mock;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link MockLlmProvider} as a process.
 *
 * <pre>
 * java -cp ... dev.switchyard.testsupport.mock.MockProviderMain [--port N] [--host 127.0.0.1]
 *     [--chunks N] [--ttft-ms N] [--inter-token-ms N] [--instances N] [--record N] [--h2c]
 * </pre>
 * Prints one line {@code MockLlmProvider listening on http://HOST:PORT} when ready; stops on SIGTERM.
 */
public final class MockProviderMain {
    private MockProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        MockLlmProvider.Builder b = MockLlmProvider.builder().maxRecordedRequests(0);
        MockBehaviour behaviour = MockBehaviour.none();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> b.port(Integer.parseInt(value(args, ++i, a)));
                case "--host" -> b.host(value(args, ++i, a));
                case "--chunks" -> behaviour = behaviour.withChunks(Integer.parseInt(value(args, ++i, a)));
                case "--ttft-ms" -> behaviour = behaviour.withTtftMs(Integer.parseInt(value(args, ++i, a)));
                case "--inter-token-ms" -> behaviour = behaviour.withInterTokenMs(Integer.parseInt(value(args, ++i, a)));
                case "--instances" -> b.instances(Integer.parseInt(value(args, ++i, a)));
                case "--record" -> b.maxRecordedRequests(Integer.parseInt(value(args, ++i, a)));
                case "--h2c" -> b.http2ClearText(true);
                case "--strict-headers" -> b.strictHeaders(true);
                case "-h", "--help" -> {
                    System.out.println("usage: MockProviderMain [--port N] [--host H] [--chunks N] [--ttft-ms N] "
                            + "[--inter-token-ms N] [--instances N] [--record N] [--h2c] [--strict-headers]");
                    return;
                }
                default -> {
                    System.err.println("unknown option: " + a);
                    System.exit(2);
                }
            }
        }
        MockLlmProvider mock = b.defaultBehaviour(behaviour).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mock.close();
            stopped.countDown();
        }, "mock-provider-shutdown"));
        System.out.println("MockLlmProvider listening on " + mock.baseUrl() + " (OpenAI base URL "
                + mock.openAiBaseUrl() + ", " + behaviour + ")");
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("missing value for " + option);
            System.exit(2);
        }
        return args[i];
    }
}
