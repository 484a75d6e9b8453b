package dev.switchyard.testsupport.services;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One Kafka broker and one schema registry per test JVM, started on first use and stopped when
 * the JVM (or the JUnit run) ends.
 *
 * <pre>{@code
 * @ExtendWith(SharedServices.class)          // starts both, in parallel, before the class
 * class MyIT {
 *     String bootstrap = SharedServices.kafka().bootstrapServers();
 *     String registryUrl = SharedServices.registry().url();
 * }
 * }</pre>
 *
 * <p>Without the extension, {@link #kafka()} and {@link #registry()} start just the one asked for.
 * Use unique topic names, group ids and {@code application.id}s per test: the services are shared
 * by every test class of the JVM. Both use temporary storage.
 */
public final class SharedServices implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedServices.class);
    private static final Object KAFKA_LOCK = new Object();
    private static final Object REGISTRY_LOCK = new Object();
    private static volatile KafkaBroker kafka;
    private static volatile SchemaRegistry registry;

    /** The shared broker, started if needed. */
    public static KafkaBroker kafka() {
        KafkaBroker k = kafka;
        if (k != null) {
            return k;
        }
        synchronized (KAFKA_LOCK) {
            if (kafka == null) {
                kafka = KafkaBroker.builder().start();
            }
            return kafka;
        }
    }

    /** The shared schema registry (in-memory storage), started if needed. */
    public static SchemaRegistry registry() {
        SchemaRegistry r = registry;
        if (r != null) {
            return r;
        }
        synchronized (REGISTRY_LOCK) {
            if (registry == null) {
                registry = SchemaRegistry.builder().start();
            }
            return registry;
        }
    }

    /** Starts both (in parallel) if they are not running yet. */
    public static void startAll() {
        List<Throwable> errors = new ArrayList<>();
        Thread t = new Thread(() -> {
            try {
                registry();
            } catch (Throwable e) {
                synchronized (errors) {
                    errors.add(e);
                }
            }
        }, "start-shared-registry");
        t.start();
        try {
            kafka();
        } catch (Throwable e) {
            synchronized (errors) {
                errors.add(e);
            }
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        synchronized (errors) {
            if (!errors.isEmpty()) {
                IllegalStateException e = new IllegalStateException("shared services failed to start", errors.get(0));
                errors.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        }
    }

    /** Stops both (the next call to {@link #kafka()} / {@link #registry()} starts new ones). */
    public static void stopAll() {
        synchronized (KAFKA_LOCK) {
            if (kafka != null) {
                kafka.close();
                kafka = null;
            }
        }
        synchronized (REGISTRY_LOCK) {
            if (registry != null) {
                registry.close();
                registry = null;
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        startAll();
        // Closed by JUnit at the end of the whole run (the JVM shutdown hook is the fallback).
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(StopAtEnd.class, k -> new StopAtEnd(),
                StopAtEnd.class);
    }

    private static final class StopAtEnd implements AutoCloseable {
        @Override
        public void close() {
            stopAll();
        }
    }
}
