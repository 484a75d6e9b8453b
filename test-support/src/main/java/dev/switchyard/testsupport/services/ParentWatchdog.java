package dev.switchyard.testsupport.services;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Entry point of every child process: {@code ParentWatchdog <parentPid> <mainClass> args...}.
 *
 * <p>Starts a daemon thread that checks every 500 ms whether the parent process still exists
 * and, once it is gone (even if it was SIGKILLed), exits this JVM (running its shutdown hooks,
 * so Kafka shuts down cleanly; {@code Runtime.halt} after 20 s if that hangs), then runs
 * {@code mainClass.main(args)}. Uses nothing but the JDK, so it can sit on any class path (the
 * Apicurio runner's too).
 */
public final class ParentWatchdog {
    static final long POLL_MS = 500;
    static final long HALT_AFTER_MS = 20_000;

    private ParentWatchdog() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: ParentWatchdog <parentPid> <mainClass> [args...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        String mainClass = args[1];
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        watch(parentPid);
        Method main = Class.forName(mainClass, true, ClassLoader.getSystemClassLoader())
                .getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) rest);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Starts the daemon thread that ends this JVM when {@code parentPid} is gone. */
    static void watch(long parentPid) {
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        Optional<Instant> started = parent.flatMap(p -> p.info().startInstant());
        // If the parent is our direct parent, being re-parented means it died (even while a zombie).
        boolean directChild = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parentPid;
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println("ParentWatchdog: parent " + parentPid + " is not running; exiting");
            Runtime.getRuntime().halt(1);
        }
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(POLL_MS); // polling a foreign process: there is nothing to wait on
                } catch (InterruptedException e) {
                    return;
                }
                if (!alive(parentPid, started, directChild)) {
                    System.err.println("ParentWatchdog: parent " + parentPid + " is gone; exiting");
                    Thread halt = new Thread(() -> {
                        try {
                            Thread.sleep(HALT_AFTER_MS);
                        } catch (InterruptedException ignored) {
                            // halting anyway
                        }
                        Runtime.getRuntime().halt(1);
                    }, "parent-watchdog-halt");
                    halt.setDaemon(true);
                    halt.start();
                    System.exit(0);
                    return;
                }
            }
        }, "parent-watchdog");
        t.setDaemon(true);
        t.start();
        System.out.println("ParentWatchdog: watching parent " + parentPid);
        System.out.flush();
    }

    private static boolean alive(long pid, Optional<Instant> started, boolean directChild) {
        if (directChild && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != pid) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        // A recycled pid belongs to a process started later.
        Optional<Instant> now = p.get().info().startInstant();
        return started.isEmpty() || now.isEmpty() || now.get().equals(started.get());
    }
}
