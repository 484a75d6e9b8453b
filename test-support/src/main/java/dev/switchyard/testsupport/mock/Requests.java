package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading the parts of OpenAI / Anthropic request bodies the mock cares about. */
final class Requests {
    private Requests() {
    }

    /** Text of the last message with role "user" (text parts joined by a space); Responses {@code input} too. */
    static String lastUserText(JsonNode body) {
        if (!body.has("messages") && body.has("input")) {
            JsonNode input = body.get("input");
            if (input.isTextual()) {
                return input.asText();
            }
            for (int i = input.size() - 1; i >= 0; i--) {
                JsonNode item = input.get(i);
                if ("user".equals(item.path("role").asText())) {
                    return text(item.get("content"));
                }
            }
            return "";
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray()) {
            return "";
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode m = messages.get(i);
            if ("user".equals(m.path("role").asText())) {
                return text(m.get("content"));
            }
        }
        return "";
    }

    /** Text of a content value: a string, or an array of parts of which the {@code text} ones count. */
    static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.isTextual()) {
                    append(sb, part.asText());
                } else if ("text".equals(part.path("type").asText()) || "input_text".equals(part.path("type").asText())
                        || part.has("text")) {
                    if (part.path("text").isTextual()) {
                        append(sb, part.path("text").asText());
                    }
                }
            }
            return sb.toString();
        }
        return content.toString();
    }

    private static void append(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(s);
    }

    /** Estimated prompt tokens: characters of every text in messages (and system) / 4, at least 1. */
    static int promptTokens(JsonNode body) {
        long chars = chars(body.path("messages")) + chars(body.path("system")) + chars(body.path("input"))
                + chars(body.path("instructions"));
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, chars / 4));
    }

    private static long chars(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return 0;
        }
        if (n.isTextual()) {
            return n.asText().length();
        }
        long sum = 0;
        if (n.isArray()) {
            for (JsonNode e : n) {
                sum += chars(e);
            }
        } else if (n.isObject()) {
            var it = n.fields();
            while (it.hasNext()) {
                var e = it.next();
                String k = e.getKey();
                if (k.equals("content") || k.equals("text") || k.equals("arguments") || k.equals("input")
                        || k.equals("tool_calls") || k.equals("function") || k.equals("output")) {
                    sum += chars(e.getValue());
                } else if (k.equals("role") || k.equals("type") || k.equals("id") || k.equals("name")
                        || k.equals("tool_call_id") || k.equals("tool_use_id") || k.equals("cache_control")) {
                    // structure, not prompt text
                } else if (e.getValue().isObject() && n.has("input")) {
                    sum += e.getValue().toString().length();
                }
            }
        }
        return sum;
    }
}
