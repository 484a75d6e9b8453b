package dev.switchyard.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small client of the Confluent Schema Registry REST API: the subset a serde needs (register a schema under a
 * subject, fetch a schema by id), with caches so each schema costs one call per process. It speaks only the
 * documented Confluent API, so it works unchanged against Confluent Schema Registry, Apicurio's
 * {@code /apis/ccompat/v7} and Karapace.
 */
public final class SchemaRegistryClient {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(10));
    }

    public SchemaRegistryClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Registers {@code schema} under {@code subject} (idempotent: the same schema gets the same id) and returns its id. */
    public int register(String subject, Schema schema) {
        String key = subject + '\n' + schema.toString();
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        JsonNode answer = call(HttpRequest.newBuilder(URI.create(baseUrl + "/subjects/" + subject + "/versions"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "register a schema under " + subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry answered without an id when registering under " + subject + ": " + answer);
        }
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The schema registered under {@code id}. */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call(HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id)).GET(), "fetch schema id " + id);
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException("registry answered without a schema for id " + id + ": " + answer);
        }
        Schema schema = new Schema.Parser().parse(text);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    /** Sets the compatibility level of a subject (BACKWARD, FULL, NONE ...). */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        call(HttpRequest.newBuilder(URI.create(baseUrl + "/config/" + subject))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())), "set compatibility of " + subject);
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout)
                    .header("Content-Type", CONTENT_TYPE)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " unreachable while trying to " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while trying to " + what, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry refused to " + what + ": HTTP " + response.statusCode()
                    + " " + response.body(), response.statusCode());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("schema registry sent unreadable JSON while trying to " + what, e);
        }
    }
}
