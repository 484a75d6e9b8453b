package dev.switchyard.testsupport.services;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One JVM shutdown hook that closes every registered service, in parallel. */
final class ShutdownHooks {
    private static final Set<AutoCloseable> SERVICES = new LinkedHashSet<>();
    private static boolean installed;

    private ShutdownHooks() {
    }

    static synchronized void register(AutoCloseable service) {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHooks::closeAll, "switchyard-services-shutdown"));
            installed = true;
        }
        SERVICES.add(service);
    }

    static synchronized void unregister(AutoCloseable service) {
        SERVICES.remove(service);
    }

    private static void closeAll() {
        List<AutoCloseable> services;
        synchronized (ShutdownHooks.class) {
            services = new ArrayList<>(SERVICES);
        }
        List<Thread> threads = new ArrayList<>();
        for (AutoCloseable s : services) {
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (Exception e) {
                    System.err.println("closing " + s + " failed: " + e);
                }
            }, "close-" + s);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
