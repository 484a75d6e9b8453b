package dev.switchyard.ingress.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/** The one ObjectMapper of the module and the small helpers every handler needs to read and answer JSON. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses a request body; malformed JSON is the client's error (400), in {@code describe}'s words. */
    public static JsonNode parse(Buffer body) {
        if (body == null || body.length() == 0) {
            throw ApiException.invalid(null, null, "The request body is empty: expected a JSON object.");
        }
        try {
            JsonNode node = MAPPER.readTree(body.getBytes());
            if (node == null || node.isMissingNode()) {
                throw ApiException.invalid(null, null, "The request body is empty: expected a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.invalid(null, null, "We could not parse the JSON body of your request. "
                    + "(HINT: This likely means you aren't using your HTTP library correctly. The body must be valid JSON: "
                    + originalMessage(e) + ")");
        }
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e); // a tree always serialises
        }
    }

    /** Ends the exchange with a JSON body. */
    public static void send(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(write(body));
    }

    /** Copies {@code field} from one object to the other when it is there and not null. */
    public static void copyIfPresent(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    /** A short name of a JSON value's type for error messages ("a string", "an object"...). */
    public static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String originalMessage(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            return jpe.getOriginalMessage();
        }
        return e.getMessage();
    }
}
