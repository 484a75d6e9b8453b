package dev.switchyard.launcher;

import dev.switchyard.testsupport.services.ClickHouseServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure {@code clickhouse-server} is there before {@code switchyard up} starts it: when it is missing and this
 * process may install Debian's package (root, on Debian or a derivative with apt-get), it runs
 * {@code apt-get install -y clickhouse-server clickhouse-client}; otherwise it fails with the one command that does.
 */
final class ClickHouseInstall {
    /** The command a user runs when we may not install it ourselves. */
    static final String INSTALL_COMMAND = ClickHouseServer.INSTALL_COMMAND;

    /** Thrown when ClickHouse is missing and cannot be installed from here: its message says what to run. */
    static final class MissingClickHouseException extends RuntimeException {
        MissingClickHouseException(String message) {
            super(message);
        }
    }

    private ClickHouseInstall() {
    }

    /** The server binary, installing Debian's package first when it is missing and we may. */
    static Path ensureBinary() {
        try {
            return ClickHouseServer.binary();
        } catch (IllegalStateException missing) {
            if (!mayInstall()) {
                throw new MissingClickHouseException("clickhouse-server is not installed. Install it with:\n\n    " + INSTALL_COMMAND
                        + "\n\nor point switchyard at a running ClickHouse with --clickhouse http://HOST:8123 (CLICKHOUSE_URL).");
            }
        }
        System.out.println("switchyard: clickhouse-server is missing; installing Debian's package (apt-get install -y clickhouse-server clickhouse-client) ...");
        run(List.of("apt-get", "update", "-qq"));
        run(List.of("apt-get", "install", "-y", "-qq", "clickhouse-server", "clickhouse-client"));
        try {
            return ClickHouseServer.binary();
        } catch (IllegalStateException e) {
            throw new MissingClickHouseException("apt-get installed clickhouse-server, but its binary is still not on the PATH. Install it with:\n\n    "
                    + INSTALL_COMMAND);
        }
    }

    /** Root on a Debian-like system with apt-get. */
    static boolean mayInstall() {
        return "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/etc/debian_version"))
                && Files.isExecutable(Path.of("/usr/bin/apt-get"));
    }

    private static void run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new MissingClickHouseException(String.join(" ", command) + " failed. Install ClickHouse with:\n\n    " + INSTALL_COMMAND);
            }
        } catch (IOException e) {
            throw new MissingClickHouseException("cannot run " + String.join(" ", command) + " (" + e.getMessage()
                    + "). Install ClickHouse with:\n\n    " + INSTALL_COMMAND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MissingClickHouseException("interrupted while installing ClickHouse");
        }
    }
}
