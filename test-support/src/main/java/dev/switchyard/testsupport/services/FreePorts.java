package dev.switchyard.testsupport.services;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {
    /** Ports handed out recently by this JVM: not handed out again (the OS might reuse them). */
    private static final Set<Integer> RECENT = new LinkedHashSet<>();
    private static final int REMEMBER = 256;

    private FreePorts() {
    }

    /** A port that was free on 127.0.0.1 a moment ago and that this JVM has not handed out recently. */
    public static int find() {
        return find(1)[0];
    }

    /** {@code n} distinct free ports. */
    public static synchronized int[] find(int n) {
        List<ServerSocket> open = new ArrayList<>(n);
        try {
            int[] ports = new int[n];
            int found = 0;
            int attempts = 0;
            while (found < n) {
                if (++attempts > 1000) {
                    throw new IllegalStateException("no free port found");
                }
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                int p = s.getLocalPort();
                if (RECENT.add(p)) {
                    ports[found++] = p;
                }
            }
            while (RECENT.size() > REMEMBER) {
                RECENT.remove(RECENT.iterator().next());
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : open) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }
}
