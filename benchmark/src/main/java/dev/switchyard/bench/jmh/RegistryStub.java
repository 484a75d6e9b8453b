package dev.switchyard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the schema registry, only for the JMH harness: the two calls of the Confluent REST API that
 * schemas' {@code SchemaRegistryClient} makes (register under a subject, fetch by id), on a loopback port. The
 * serde caches both answers, so the measured loops never reach it; it exists so the serde can be used unchanged.
 */
final class RegistryStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();

    RegistryStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String answer;
        if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String schema = body.path("schema").asText();
            int id = idsBySchema.computeIfAbsent(schema, s -> {
                int next = idsBySchema.size() + 1;
                schemasById.put(next, s);
                return next;
            });
            answer = JSON.createObjectNode().put("id", id).toString();
        } else if (path.startsWith("/schemas/ids/")) {
            String schema = schemasById.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
            answer = JSON.createObjectNode().put("schema", schema).toString();
        } else {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
