package dev.switchyard.ingress.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpListenersTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void connectionsAreServedFromAsManyEventLoopsAsInstancesOnOnePort() throws Exception {
        HttpListeners listeners = HttpListeners.listen(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                req -> req.response().end(Thread.currentThread().getName()), 2, Duration.ofSeconds(10));

        assertThat(listeners.instances()).isEqualTo(2);
        Set<String> threads = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            threads.add(bodyOfNewConnection(listeners.port()));
        }
        // Vert.x hands accepted connections to the servers in turn: both event loops answer.
        assertThat(threads).hasSize(2).allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
    }

    @Test
    void twoListenersOnOneVertxGetTheirOwnFreePorts() throws Exception {
        HttpListeners a = HttpListeners.listen(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                req -> req.response().end("a"), 2, Duration.ofSeconds(10));
        HttpListeners b = HttpListeners.listen(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                req -> req.response().end("b"), 2, Duration.ofSeconds(10));

        assertThat(a.port()).isNotEqualTo(b.port());
        assertThat(bodyOfNewConnection(a.port())).isEqualTo("a");
        assertThat(bodyOfNewConnection(b.port())).isEqualTo("b");
    }

    @Test
    void shutdownStopsEveryServer() throws Exception {
        HttpListeners listeners = HttpListeners.listen(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
                req -> req.response().end("ok"), 2, Duration.ofSeconds(10));
        int port = listeners.port();
        assertThat(bodyOfNewConnection(port)).isEqualTo("ok");

        listeners.shutdown(Duration.ofSeconds(1));

        assertThatThrownBy(() -> bodyOfNewConnection(port)).isInstanceOf(ConnectException.class);
    }

    /** One request on a connection of its own (closed after the answer), so each lands on the next server. */
    private static String bodyOfNewConnection(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
