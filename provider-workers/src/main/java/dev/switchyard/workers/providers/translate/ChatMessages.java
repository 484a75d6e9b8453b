package dev.switchyard.workers.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.workers.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The internal messages as a strict OpenAI chat-completions host accepts them, for requests that came from another
 * protocol: the internal extensions ({@code cache_control}, {@code thinking_blocks}, {@code is_error},
 * {@code native_items}, unknown part types) are removed, with a note where something the model would have seen is lost.
 * Images inside tool results (which chat completions can't carry) move to a user message right after the tool results.
 */
public final class ChatMessages {
    private static final Set<String> USER_PARTS = Set.of("text", "image_url", "input_audio", "file");

    private ChatMessages() {
    }

    public static ArrayNode forChat(JsonNode messages, List<String> notes) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        List<JsonNode> pendingImages = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            if (!role.equals("tool") && !pendingImages.isEmpty()) {
                flushImages(out, pendingImages);
            }
            switch (role) {
                case "system", "developer" -> out.add(textMessage(role, message.get("content")));
                case "user" -> {
                    ObjectNode user = out.addObject().put("role", "user");
                    user.set("content", userContent(message.get("content"), notes));
                    copy(message, user, "name");
                }
                case "assistant" -> {
                    ObjectNode assistant = assistant(message, notes);
                    if (assistant != null) {
                        out.add(assistant);
                    }
                }
                case "tool" -> out.add(tool(message, pendingImages));
                default -> out.add(message);
            }
        }
        if (!pendingImages.isEmpty()) {
            flushImages(out, pendingImages);
        }
        return out;
    }

    private static ObjectNode textMessage(String role, JsonNode content) {
        ObjectNode message = Json.MAPPER.createObjectNode().put("role", role);
        message.put("content", text(content));
        return message;
    }

    private static JsonNode userContent(JsonNode content, List<String> notes) {
        if (content == null || content.isNull() || content.isTextual()) {
            return content == null ? Json.MAPPER.getNodeFactory().textNode("") : content;
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (USER_PARTS.contains(type)) {
                parts.add(withoutCacheControl(part));
            } else {
                notes.add("a '" + type + "' content block was dropped: OpenAI chat completions has no equivalent");
            }
        }
        return parts;
    }

    private static ObjectNode assistant(JsonNode message, List<String> notes) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("role", "assistant");
        String text = text(message.get("content"));
        JsonNode calls = message.get("tool_calls");
        boolean hasCalls = calls != null && calls.isArray() && !calls.isEmpty();
        if (message.has("native_items")) {
            notes.add("built-in tool calls of the conversation history were dropped: OpenAI chat completions has no equivalent");
        }
        if (text.isEmpty() && !hasCalls) {
            return null; // a turn that only held reasoning or built-in tool items
        }
        if (!text.isEmpty()) {
            out.put("content", text);
        } else {
            out.putNull("content");
        }
        if (hasCalls) {
            ArrayNode clean = out.putArray("tool_calls");
            for (JsonNode call : calls) {
                ObjectNode c = clean.addObject();
                c.put("id", call.path("id").asText(""));
                c.put("type", "function");
                c.putObject("function").put("name", call.path("function").path("name").asText(""))
                        .put("arguments", call.path("function").path("arguments").asText(""));
            }
        }
        return out;
    }

    private static ObjectNode tool(JsonNode message, List<JsonNode> pendingImages) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("role", "tool");
        out.put("tool_call_id", message.path("tool_call_id").asText(""));
        JsonNode content = message.get("content");
        StringBuilder text = new StringBuilder();
        if (message.path("is_error").asBoolean(false)) {
            text.append("Error: ");
        }
        if (content != null && content.isArray()) {
            List<String> texts = new ArrayList<>();
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                if (type.equals("text")) {
                    texts.add(part.path("text").asText(""));
                } else if (type.equals("image_url")) {
                    pendingImages.add(withoutCacheControl(part));
                }
            }
            text.append(String.join("\n", texts));
        } else if (content != null && !content.isNull()) {
            text.append(content.asText());
        }
        out.put("content", text.toString());
        return out;
    }

    private static void flushImages(ArrayNode out, List<JsonNode> images) {
        ObjectNode user = out.addObject().put("role", "user");
        ArrayNode parts = user.putArray("content");
        parts.addObject().put("type", "text").put("text", "(images returned by the tool calls above)");
        images.forEach(parts::add);
        images.clear();
    }

    /** The text of a string or of the text parts of an array, joined by blank lines. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (type.equals("text") || type.equals("input_text") || type.equals("output_text")) {
                texts.add(part.path("text").asText(""));
            } else if (type.equals("refusal")) {
                texts.add(part.path("refusal").asText(""));
            }
        }
        return String.join("\n\n", texts);
    }

    private static JsonNode withoutCacheControl(JsonNode part) {
        if (!part.has("cache_control")) {
            return part;
        }
        ObjectNode copy = part.deepCopy();
        copy.remove("cache_control");
        return copy;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }
}
