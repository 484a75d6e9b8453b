package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Test client for the mock: plain JSON calls and SSE streams. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    static HttpRequest request(String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return b.build();
    }

    static HttpResponse<String> post(String url, String body) {
        return post(url, body, Map.of());
    }

    static HttpResponse<String> post(String url, String body, Map<String, String> headers) {
        try {
            return CLIENT.send(request(url, body, headers), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One server-sent event. */
    record Event(String event, String data) {
        JsonNode json() {
            return Http.json(data);
        }
    }

    /** A stream as far as it got: its events, and the error that ended it early, if any. */
    record Stream2(int status, HttpResponse<?> response, List<Event> events, Exception error) {
    }

    static Stream2 stream(String url, String body) {
        try {
            HttpResponse<Stream<String>> r = CLIENT.send(request(url, body, Map.of()),
                    HttpResponse.BodyHandlers.ofLines());
            List<Event> events = new ArrayList<>();
            Exception error = null;
            String event = null;
            StringBuilder data = null;
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(event, data.toString()));
                        }
                        event = null;
                        data = null;
                    } else if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        String d = line.substring(5).strip();
                        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                    }
                }
            } catch (UncheckedIOException e) {
                error = e.getCause();
            }
            return new Stream2(r.statusCode(), r, events, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
