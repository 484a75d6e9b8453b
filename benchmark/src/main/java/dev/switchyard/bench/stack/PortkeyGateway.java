package dev.switchyard.bench.stack;

import dev.switchyard.testsupport.services.FreePorts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Portkey AI gateway as a peer: installed with npm and started by {@code benchmark/scripts/portkey-gateway.sh}
 * (the script {@code exec}s node, so the process's pid is the gateway's own and its CPU is attributable).
 */
public final class PortkeyGateway implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Thread hook;

    private PortkeyGateway(Process process, int port) {
        this.process = process;
        this.port = port;
        // node has no parent watchdog: make sure it doesn't outlive the benchmark.
        this.hook = new Thread(process::destroyForcibly, "portkey-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static PortkeyGateway start(Path script, Path workDir) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve("portkey.log");
        Process install = new ProcessBuilder("bash", script.toString(), "install").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            throw new IllegalStateException("installing the Portkey gateway failed; see " + log + ":\n"
                    + Files.readString(log));
        }
        int port = FreePorts.find();
        Process p = new ProcessBuilder("bash", script.toString(), "start", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PortkeyGateway gateway = new PortkeyGateway(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the Portkey gateway exited; see " + log + ":\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 250);
                return gateway;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    gateway.close();
                    throw new IllegalStateException("the Portkey gateway does not listen on " + port);
                }
                Thread.sleep(100); // polling a starting process
            }
        }
    }

    public String chatUrl() {
        return "http://127.0.0.1:" + port + "/v1/chat/completions";
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
