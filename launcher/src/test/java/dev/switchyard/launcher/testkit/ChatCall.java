package dev.switchyard.launcher.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One chat request as a client sees it: the status, the headers, and (streaming) every SSE event as it arrives, read
 * on a background thread so a test can act in the middle of an answer (kill a process, disconnect) and then wait for
 * the end. Waits are conditions with timeouts.
 */
public final class ChatCall implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Thread reader;
    private final List<String> events = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private HttpResponse<InputStream> response;
    private IOException failure;
    private InputStream stream;
    private boolean ended;
    private volatile boolean closedByTest;

    private ChatCall(HttpRequest request) {
        reader = new Thread(() -> read(request), "chat-call");
        reader.setDaemon(true);
        reader.start();
    }

    /** POSTs {@code body} to {@code baseUrl + path} and starts reading the answer. */
    public static ChatCall post(String baseUrl, String path, String body) {
        return new ChatCall(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofMinutes(3))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private void read(HttpRequest request) {
        try {
            HttpResponse<InputStream> r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            synchronized (this) {
                response = r;
                stream = r.body();
                notifyAll();
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (this) {
                        body.append(line).append('\n');
                        if (line.startsWith("data: ")) {
                            events.add(line.substring(6));
                        }
                        notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                if (!closedByTest) {
                    failure = e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Waits for the status line and headers. */
    public synchronized ChatCall awaitHeaders(Duration timeout) {
        await(timeout, () -> response != null || ended, "the response headers");
        if (response == null) {
            throw new AssertionError("no response: " + failure);
        }
        return this;
    }

    /** Waits until the client has received at least {@code n} content deltas. */
    public synchronized ChatCall awaitContentEvents(int n, Duration timeout) {
        await(timeout, () -> contentEvents() >= n || ended, n + " content events");
        if (contentEvents() < n) {
            throw new AssertionError("the answer ended after " + contentEvents() + " content events: " + body);
        }
        return this;
    }

    /** Waits until the answer ended (the server closed the stream) or the connection failed. */
    public synchronized ChatCall awaitEnd(Duration timeout) {
        await(timeout, () -> ended, "the end of the answer");
        return this;
    }

    public synchronized int status() {
        return response == null ? -1 : response.statusCode();
    }

    public synchronized Optional<String> header(String name) {
        return response == null ? Optional.empty() : response.headers().firstValue(name);
    }

    /** The raw body (for a non-streaming answer: the JSON). */
    public synchronized String body() {
        return body.toString();
    }

    public synchronized JsonNode json() {
        try {
            return JSON.readTree(body.toString());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The data of every SSE event, in order. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The concatenated {@code delta.content} of the streamed chunks (or the message content of a JSON answer). */
    public synchronized String text() {
        if (events.isEmpty() && body.length() > 0 && body.charAt(0) == '{') {
            return json().at("/choices/0/message/content").asText("");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode event : parsedEvents()) {
            text.append(event.at("/choices/0/delta/content").asText(""));
        }
        return text.toString();
    }

    /** True when the stream ended with {@code data: [DONE]}. */
    public synchronized boolean done() {
        return !events.isEmpty() && events.get(events.size() - 1).equals("[DONE]");
    }

    /** The {@code data: {"error": ...}} event that ended the stream, if any. */
    public synchronized Optional<JsonNode> errorEvent() {
        return parsedEvents().stream().filter(e -> e.has("error")).map(e -> e.get("error")).findFirst();
    }

    public synchronized IOException failure() {
        return failure;
    }

    public synchronized boolean ended() {
        return ended;
    }

    private List<JsonNode> parsedEvents() {
        List<JsonNode> parsed = new ArrayList<>();
        for (String event : events) {
            if (!event.equals("[DONE]")) {
                try {
                    parsed.add(JSON.readTree(event));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON event: " + event, e);
                }
            }
        }
        return parsed;
    }

    private int contentEvents() {
        int n = 0;
        for (JsonNode event : parsedEvents()) {
            if (!event.at("/choices/0/delta/content").asText("").isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private void await(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; so far: " + body);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** Disconnects (the client goes away mid-answer). */
    @Override
    public void close() {
        InputStream s;
        synchronized (this) {
            closedByTest = true;
            s = stream;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }
        reader.interrupt();
    }

    /** Whether the events satisfy {@code p} (for assertions on the raw stream). */
    public synchronized boolean anyEvent(Predicate<String> p) {
        return events.stream().anyMatch(p);
    }
}
