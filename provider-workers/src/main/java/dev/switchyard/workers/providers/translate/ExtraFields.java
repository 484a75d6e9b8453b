package dev.switchyard.workers.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The client's other body fields ({@code extra_json}). A provider of the client's own protocol gets them verbatim;
 * another protocol's fields mean nothing to it, so they are dropped, with one note listing them (fields an adapter
 * mapped, such as Anthropic's {@code thinking}, are not listed).
 */
public final class ExtraFields {
    /** Routing fields: never sent to any provider. */
    public static final Set<String> ROUTING = Set.of("metadata", "fallback", "models", "fallbacks", "route", "router");

    private ExtraFields() {
    }

    public static ObjectNode of(ChatRequest request) {
        if (request.getExtraJson() == null || request.getExtraJson().isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        JsonNode extra = Json.parse(request.getExtraJson(), "extra fields");
        return extra.isObject() ? (ObjectNode) extra : Json.MAPPER.createObjectNode();
    }

    /** Copies the fields a same-protocol provider may get: all but {@code owned} (the builder's), routing and x-switchyard fields. */
    public static void copyInto(ObjectNode body, ObjectNode extra, Set<String> owned) {
        for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (!owned.contains(name) && !ROUTING.contains(name) && !name.toLowerCase(Locale.ROOT).startsWith("x-switchyard")) {
                body.set(name, field.getValue());
            }
        }
    }

    /** Notes the fields of another protocol that the target drops, except routing fields and those in {@code mapped}. */
    public static void noteDropped(ObjectNode extra, Set<String> mapped, ClientProtocol client, String target, List<String> notes) {
        List<String> dropped = new ArrayList<>();
        for (Iterator<String> it = extra.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!mapped.contains(name) && !ROUTING.contains(name) && !name.toLowerCase(Locale.ROOT).startsWith("x-switchyard")) {
                dropped.add(name);
            }
        }
        if (!dropped.isEmpty()) {
            notes.add(protocolName(client) + " parameters dropped (no equivalent in " + target + "): " + String.join(", ", dropped));
        }
    }

    public static String protocolName(ClientProtocol protocol) {
        return switch (protocol) {
            case ANTHROPIC_MESSAGES -> "Anthropic Messages";
            case OPENAI_RESPONSES -> "OpenAI Responses";
            default -> "OpenAI chat completions";
        };
    }
}
