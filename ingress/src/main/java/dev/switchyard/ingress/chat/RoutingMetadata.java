package dev.switchyard.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Routing metadata of a request: {@code x-switchyard-metadata-<key>} headers, overridden key by key by the body's
 * {@code metadata} object. Body values keep their JSON type (string, boolean, long, double, null); nested objects and
 * arrays become JSON text, since the event's map holds scalars only. Header keys are lower-cased: HTTP header names are
 * case-insensitive (and HTTP/2 lower-cases them anyway), so {@code X-Switchyard-Metadata-Language} is {@code language}.
 */
public final class RoutingMetadata {
    private RoutingMetadata() {
    }

    /** @param body the body's metadata value (null when absent); anything but an object is a 400 naming {@code param}. */
    public static Map<String, Object> merge(JsonNode body, MultiMap headers, String param) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(SwitchyardHeaders.METADATA_PREFIX) && name.length() > SwitchyardHeaders.METADATA_PREFIX.length()) {
                metadata.put(name.substring(SwitchyardHeaders.METADATA_PREFIX.length()), header.getValue());
            }
        }
        if (body == null || body.isNull()) {
            return metadata;
        }
        if (!body.isObject()) {
            throw ApiException.invalidType(param, "an object", Json.describe(body));
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = body.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            metadata.put(field.getKey(), typed(field.getValue()));
        }
        return metadata;
    }

    private static Object typed(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isNumber()) {
            return value.asDouble();
        }
        return Json.write(value); // nested object or array
    }
}
