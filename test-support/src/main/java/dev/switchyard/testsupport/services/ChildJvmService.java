package dev.switchyard.testsupport.services;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The life of a service that runs as a child JVM, whatever the service: start it (a no-op when it runs) and wait until
 * it answers, stop it with a grace period, kill it (crash tests), restart it on the same ports and data, and close it:
 * a temporary working directory is killed-and-deleted instead of stopped. A JVM shutdown hook closes it unless its
 * owner stops its services in order itself. Subclasses say how to launch the child and how to tell it is ready.
 *
 * @param <S> the service's own type, which {@link #start()} and {@link #restart()} return
 */
public abstract class ChildJvmService<S extends ChildJvmService<S>> implements AutoCloseable {
    private final String description;
    private final Path workDir;
    private final boolean tempWorkDir;
    private final Duration startTimeout;
    private final Duration stopGrace;
    private final boolean stopOnJvmExit;
    private ChildProcess child;
    private Duration lastStartTime;

    /**
     * @param description   what the service is, for errors ("Kafka broker")
     * @param workDir       where the child runs and logs
     * @param tempWorkDir   whether {@link #close()} deletes {@code workDir}
     * @param stopOnJvmExit whether a JVM shutdown hook closes the service
     */
    protected ChildJvmService(String description, Path workDir, boolean tempWorkDir, Duration startTimeout,
                              Duration stopGrace, boolean stopOnJvmExit) {
        this.description = description;
        this.workDir = workDir;
        this.tempWorkDir = tempWorkDir;
        this.startTimeout = startTimeout;
        this.stopGrace = stopGrace;
        this.stopOnJvmExit = stopOnJvmExit;
    }

    /** Starts the child JVM (its output to {@link #logFile()}). */
    protected abstract ChildProcess launch();

    /** Returns once the service answers; polls with {@link #failIfGone} and {@link #pause}. */
    protected abstract void awaitReady(long deadlineNanos);

    /** The child's output (appended across restarts). */
    public abstract Path logFile();

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** Starts the service (no-op if running) and blocks until it answers. */
    public synchronized S start() {
        if (isRunning()) {
            return self();
        }
        long t0 = System.nanoTime();
        child = launch();
        if (stopOnJvmExit) {
            ShutdownHooks.register(this);
        }
        try {
            awaitReady(t0 + startTimeout.toNanos());
        } catch (RuntimeException e) {
            child.kill();
            throw e;
        }
        lastStartTime = Duration.ofNanos(System.nanoTime() - t0);
        return self();
    }

    /**
     * Fails the start when the child has exited or the deadline has passed, with the log's tail and {@code last}
     * (the last answer or error while waiting, may be null).
     */
    protected void failIfGone(long deadlineNanos, Object last) {
        if (!child.isAlive()) {
            throw new IllegalStateException(description + " exited with code " + child.process().exitValue()
                    + " while starting; log " + logFile() + ":\n" + child.logTail(40));
        }
        if (System.nanoTime() > deadlineNanos) {
            throw new IllegalStateException(description + " did not answer within " + startTimeout
                    + (last == null ? "" : " (last: " + last + ")") + "; log " + logFile() + ":\n" + child.logTail(40));
        }
    }

    /** Waits a little between readiness checks, returning early if the child exits. */
    protected void pause(long ms) {
        try {
            child.process().waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the " + description, e);
        }
    }

    protected Path workDir() {
        return workDir;
    }

    public synchronized boolean isRunning() {
        return child != null && child.isAlive();
    }

    /** Pid of the child JVM, or -1. */
    public synchronized long pid() {
        return child == null ? -1 : child.pid();
    }

    /** How long the last {@link #start()} took until the service answered. */
    public synchronized Duration lastStartTime() {
        return lastStartTime;
    }

    /** Graceful stop: SIGTERM, up to the stop grace, then SIGKILL. Keeps the data. */
    public synchronized void stop() {
        if (child != null) {
            child.stop(stopGrace);
        }
    }

    /** SIGKILL, for crash tests. Keeps the data (what reached the disk). */
    public synchronized void kill() {
        if (child != null) {
            child.kill();
        }
    }

    /** Stops and starts again on the same ports and data directory. */
    public synchronized S restart() {
        stop();
        return start();
    }

    /** Stops the service; a temporary working directory is killed-and-deleted instead. */
    @Override
    public synchronized void close() {
        ShutdownHooks.unregister(this);
        if (tempWorkDir) {
            kill();
            Files2.deleteRecursively(workDir);
        } else {
            stop();
        }
    }
}
