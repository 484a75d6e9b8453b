package dev.switchyard.workers.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.workers.Json;

import java.util.HashSet;
import java.util.Set;

/** The kinds of tool in the internal {@code tools_json} and the shapes shared by every translation. */
public final class ToolDefinitions {
    public enum Kind {
        /** {@code {"type":"function","function":{name, description, parameters, strict}}}. */
        FUNCTION,
        /** {@code {"type":"custom","custom":{name, description, format}}}: free-form text input (Codex's apply_patch). */
        CUSTOM,
        /** Any other type (Anthropic server tools, Responses built-in tools): only its own protocol can express it. */
        NATIVE
    }

    private ToolDefinitions() {
    }

    public static Kind kind(JsonNode tool) {
        String type = tool.path("type").asText("function");
        if (type.equals("function") || (!tool.has("type") && tool.has("function"))) {
            return Kind.FUNCTION;
        }
        return type.equals("custom") ? Kind.CUSTOM : Kind.NATIVE;
    }

    /** The tool's name, whatever its kind (native tools may have none: then their type). */
    public static String name(JsonNode tool) {
        return switch (kind(tool)) {
            case FUNCTION -> tool.path("function").path("name").asText("");
            case CUSTOM -> tool.path("custom").path("name").asText(tool.path("name").asText(""));
            case NATIVE -> tool.path("name").asText(tool.path("type").asText(""));
        };
    }

    /** The names of the custom tools: their calls' arguments are {@code {"input": "..."}}. */
    public static Set<String> customToolNames(JsonNode tools) {
        Set<String> names = new HashSet<>();
        if (tools != null && tools.isArray()) {
            for (JsonNode tool : tools) {
                if (kind(tool) == Kind.CUSTOM) {
                    names.add(name(tool));
                }
            }
        }
        return names;
    }

    /**
     * A custom tool as a function with one string parameter {@code input}, for targets without free-form tools. The
     * call's arguments are then {@code {"input": "..."}}, which is the internal form of a custom call anyway.
     */
    public static ObjectNode customAsFunction(JsonNode tool) {
        JsonNode custom = tool.path("custom");
        ObjectNode function = Json.MAPPER.createObjectNode();
        function.put("name", name(tool));
        StringBuilder description = new StringBuilder(custom.path("description").asText(""));
        JsonNode format = custom.path("format");
        if (format.path("type").asText("").equals("grammar")) {
            description.append(description.length() > 0 ? "\n\n" : "").append("The input must follow this ")
                    .append(format.path("syntax").asText("grammar")).append(" grammar:\n")
                    .append(format.path("definition").asText(""));
        }
        if (description.length() > 0) {
            function.put("description", description.toString());
        }
        ObjectNode parameters = function.putObject("parameters");
        parameters.put("type", "object");
        parameters.putObject("properties").putObject("input").put("type", "string")
                .put("description", "The raw input of the tool.");
        parameters.putArray("required").add("input");
        return function;
    }

    /** The raw text of a custom call from its internal arguments {@code {"input": "..."}} (or the arguments as they are). */
    public static String customInput(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return "";
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed.isObject() && parsed.path("input").isTextual()) {
                return parsed.get("input").asText();
            }
        } catch (Exception e) {
            // not JSON: the raw input itself
        }
        return arguments;
    }

    /** The internal arguments of a custom call with this raw input. */
    public static String customArguments(String input) {
        return Json.write(Json.MAPPER.createObjectNode().put("input", input == null ? "" : input));
    }
}
