package dev.switchyard.workers.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.translate.Capabilities;
import dev.switchyard.workers.providers.translate.ExtraFields;
import dev.switchyard.workers.providers.translate.ReasoningEfforts;
import dev.switchyard.workers.providers.translate.ToolDefinitions;
import dev.switchyard.workers.providers.translate.UnsupportedRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates the internal (OpenAI chat-completions shaped) request into an Anthropic Messages body: system messages
 * become the top-level {@code system} (text blocks when they carry {@code cache_control}); assistant tool_calls become
 * {@code tool_use} blocks, {@code thinking_blocks} become thinking blocks with their signatures, and {@code tool}
 * messages become the user's {@code tool_result} blocks (with images and {@code is_error}); consecutive turns of the
 * same role are merged (Anthropic wants alternating turns); tools, tool_choice, stop, sampling, reasoning and
 * structured-output parameters are mapped. Only {@code metadata.user_id} is sent: Anthropic rejects any other metadata
 * key, and routing metadata is never forwarded anyway.
 *
 * <p>A client that spoke Anthropic gets its other fields ({@code thinking}, {@code output_config},
 * {@code context_management}, {@code top_k}, ...), built-in tools and content blocks through verbatim; from other
 * protocols, what has no equivalent is dropped and noted.
 */
public final class AnthropicRequestBuilder {
    public static final int DEFAULT_MAX_TOKENS = 8192;

    private static final Pattern DATA_URL = Pattern.compile("^data:([^;,]+);base64,(.*)$", Pattern.DOTALL);

    /** extra_json fields (client spoke Anthropic) this builder owns: never copied. */
    private static final Set<String> NOT_FORWARDED = Set.of("model", "messages", "system", "max_tokens", "stream",
            "tools", "tool_choice", "stop_sequences", "temperature", "top_p");
    /** Fields of other protocols this builder maps (so they are not reported as dropped). */
    private static final Set<String> MAPPED = Set.of("reasoning_effort", "reasoning", "text", "include", "instructions",
            "parallel_tool_calls");
    /** Internal content part types this builder translates; others are another protocol's, passed only to their own. */
    private static final Set<String> KNOWN_PARTS = Set.of("text", "image_url", "file", "refusal", "input_audio");

    private AnthropicRequestBuilder() {
    }

    public static ObjectNode build(ChatRequest request, CatalogModel model, List<String> notes) {
        boolean sameProtocol = request.getProtocol() == ClientProtocol.ANTHROPIC_MESSAGES;
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.upstream());

        ObjectNode extra = ExtraFields.of(request);
        if (sameProtocol) {
            ExtraFields.copyInto(body, extra, NOT_FORWARDED);
        } else {
            ExtraFields.noteDropped(extra, MAPPED, request.getProtocol(), "Anthropic Messages", notes);
        }

        JsonNode messages = Json.parse(request.getMessagesJson(), "messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("messages must be an array");
        }
        JsonNode tools = request.getToolsJson() == null ? null : Json.parse(request.getToolsJson(), "tools");
        Capabilities.check(model, messages, tools);
        Translated translated = translateMessages(messages, sameProtocol, notes);
        if (!translated.system().isEmpty()) {
            body.set("system", system(translated.system()));
        }
        body.set("messages", translated.messages());

        int maxTokens = request.getMaxTokens() != null ? request.getMaxTokens()
                : model.maxOutput() != null ? Math.min(model.maxOutput(), DEFAULT_MAX_TOKENS) : DEFAULT_MAX_TOKENS;
        body.put("max_tokens", maxTokens);

        List<String> kept = new ArrayList<>();
        if (tools != null && tools.isArray()) {
            ArrayNode out = translateTools(tools, sameProtocol, model, notes, kept);
            if (!out.isEmpty()) {
                body.set("tools", out);
            }
        }
        ObjectNode toolChoice = request.getToolChoiceJson() == null || !body.has("tools") ? null
                : translateToolChoice(Json.parse(request.getToolChoiceJson(), "tool_choice"));
        if (toolChoice != null && toolChoice.has("name") && !kept.contains(toolChoice.get("name").asText())) {
            notes.add("tool_choice '" + toolChoice.get("name").asText() + "' dropped: that tool was not sent");
            toolChoice = null;
        }
        if (Boolean.FALSE.equals(request.getParallelToolCalls()) && body.has("tools")) {
            if (toolChoice == null) {
                toolChoice = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            if (!"none".equals(toolChoice.path("type").asText())) {
                toolChoice.put("disable_parallel_tool_use", true);
            }
        }
        if (toolChoice != null) {
            body.set("tool_choice", toolChoice);
        }

        if (!request.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            request.getStop().forEach(stop::add);
        }
        ClaudeGeneration claude = ClaudeGeneration.of(model.upstream());
        if (!sameProtocol) {
            thinking(request.getReasoning(), model, claude, body, translated.messages(), notes);
            responseFormat(request.getResponseFormatJson(), model, body);
        } else if (!model.supports("reasoning") && body.remove("thinking") != null) {
            // Anthropic refuses thinking on a model without extended thinking, and a router's variant without it must
            // answer what another variant with it answers.
            notes.add("thinking dropped: " + model.id() + " has no extended thinking");
        } else {
            clientThinking(body, model, claude, notes);
        }
        effort(body, model, claude, notes);
        sampling(request, model, claude, body, notes);
        if (request.getSeed() != null) {
            notes.add("seed dropped: Anthropic has no seed parameter");
        }
        if (request.getUserId() != null) {
            body.putObject("metadata").put("user_id", request.getUserId());
        }
        body.put("stream", true);
        return body;
    }

    // ---- generation parameters ----

    private static void sampling(ChatRequest request, CatalogModel model, ClaudeGeneration claude, ObjectNode body, List<String> notes) {
        Double temperature = request.getTemperature();
        Double topP = request.getTopP();
        if (!claude.sampling()) {
            // Claude 4.7 and later refuse every sampling field ("`temperature` is deprecated for this model.").
            String refused = " dropped: " + model.id() + " takes no sampling parameters";
            if (temperature != null) {
                notes.add("temperature" + refused);
            }
            if (topP != null) {
                notes.add("top_p" + refused);
            }
            if (body.remove("top_k") != null) {
                notes.add("top_k" + refused);
            }
            return;
        }
        String thinking = body.path("thinking").path("type").asText("");
        if (thinking.equals("enabled") || thinking.equals("adaptive")) {
            // Extended thinking only runs with the default temperature and a top_p of at least 0.95.
            if (temperature != null && temperature != 1.0) {
                notes.add("temperature " + temperature + " dropped: Anthropic takes only 1 while thinking");
                temperature = null;
            }
            if (topP != null && topP < 0.95) {
                notes.add("top_p " + topP + " dropped: Anthropic takes only 0.95 to 1 while thinking");
                topP = null;
            }
        }
        if (temperature != null && topP != null && claude.oneSamplingParameter()) {
            notes.add("top_p " + topP + " dropped: " + model.id() + " accepts temperature or top_p, not both");
            topP = null;
        }
        if (temperature != null) {
            if (temperature > 1.0) {
                notes.add("temperature " + temperature + " clamped to 1.0 (Anthropic's maximum)");
                temperature = 1.0;
            }
            body.put("temperature", temperature);
        }
        if (topP != null) {
            body.put("top_p", topP);
        }
    }

    /**
     * Another protocol's reasoning request as thinking in the form the model takes ({@link ClaudeGeneration}): adaptive,
     * at the closest effort, where it has it; else a budget from the client's budget or effort, kept below max_tokens.
     * Thinking is left off (noted) where Anthropic would refuse it: a model without extended thinking, a forced tool
     * choice, or a tool loop whose last assistant turn has no thinking block to continue.
     */
    private static void thinking(ReasoningConfig reasoning, CatalogModel model, ClaudeGeneration claude, ObjectNode body,
                                 ArrayNode messages, List<String> notes) {
        if (!ReasoningEfforts.wanted(reasoning)) {
            return;
        }
        if (!model.supports("reasoning")) {
            notes.add("reasoning request dropped: " + model.id() + " has no extended thinking");
            return;
        }
        String choice = body.path("tool_choice").path("type").asText("auto");
        if (choice.equals("any") || choice.equals("tool")) {
            notes.add("reasoning request dropped: Anthropic does not think when a tool choice is forced");
            return;
        }
        if (lastAssistantLacksThinking(messages)) {
            notes.add("reasoning request dropped: the conversation's last tool-using assistant turn has no thinking block to continue");
            return;
        }
        if (claude.adaptive()) {
            body.putObject("thinking").put("type", "adaptive");
            String effort = ReasoningEfforts.effortOf(reasoning);
            Optional<String> level = effort == null ? Optional.empty() : claude.closestEffort(effort);
            level.ifPresent(e -> outputConfig(body).put("effort", e));
            notes.add("reasoning request mapped to Anthropic adaptive thinking" + level.map(e -> " at effort " + e).orElse(""));
            return;
        }
        int budget = reasoning.getBudgetTokens() != null ? reasoning.getBudgetTokens()
                : ReasoningEfforts.budgetFor(ReasoningEfforts.effortOf(reasoning));
        budget = budgetBelow(body.get("max_tokens").asInt(), budget);
        if (budget < 0) {
            notes.add("reasoning request dropped: max_tokens " + body.get("max_tokens").asInt() + " leaves no room for a thinking budget");
            return;
        }
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        notes.add("reasoning request mapped to Anthropic thinking with budget_tokens=" + budget);
    }

    /**
     * An Anthropic client's own thinking, turned into the form the model takes: a budget becomes adaptive thinking at
     * the effort closest to it on a model that only thinks adaptively (which also refuses {@code disabled}: it does not
     * think unless asked), adaptive thinking becomes a budget for its effort on a model without it.
     */
    private static void clientThinking(ObjectNode body, CatalogModel model, ClaudeGeneration claude, List<String> notes) {
        JsonNode thinking = body.path("thinking");
        switch (thinking.path("type").asText("")) {
            case "enabled" -> {
                if (!claude.budget()) {
                    int budget = thinking.path("budget_tokens").asInt(0);
                    body.putObject("thinking").put("type", "adaptive");
                    ObjectNode config = outputConfig(body);
                    if (!config.path("effort").isTextual()) {
                        config.put("effort", claude.closestEffort(ReasoningEfforts.effortFor(budget)).orElseThrow());
                    }
                    notes.add("thinking budget_tokens=" + budget + " sent as adaptive thinking at effort "
                            + config.get("effort").asText() + ": " + model.id() + " thinks only adaptively");
                }
            }
            case "adaptive" -> {
                if (!claude.adaptive()) {
                    String effort = body.path("output_config").path("effort").asText("high"); // Anthropic's default effort
                    int budget = budgetBelow(body.get("max_tokens").asInt(), ReasoningEfforts.budgetFor(effort));
                    if (budget < 0) {
                        body.remove("thinking");
                        notes.add("adaptive thinking dropped: " + model.id() + " thinks only with a budget, and max_tokens leaves no room for one");
                    } else {
                        body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
                        notes.add("adaptive thinking sent as budget_tokens=" + budget + ": " + model.id() + " has no adaptive thinking");
                    }
                }
            }
            case "disabled" -> {
                if (!claude.budget()) {
                    body.remove("thinking");
                    notes.add("thinking disabled: sent without thinking, which " + model.id() + " then does not do (it refuses 'disabled')");
                }
            }
            default -> {
                // no thinking, or a type for Anthropic to judge
            }
        }
    }

    /** {@code output_config.effort} at the closest level the model takes; dropped (noted) where it takes none. */
    private static void effort(ObjectNode body, CatalogModel model, ClaudeGeneration claude, List<String> notes) {
        if (!(body.get("output_config") instanceof ObjectNode config) || !config.path("effort").isTextual()) {
            return;
        }
        String asked = config.get("effort").asText();
        Optional<String> level = claude.closestEffort(asked);
        if (level.isEmpty()) {
            config.remove("effort");
            if (config.isEmpty()) {
                body.remove("output_config");
            }
            notes.add("output_config.effort " + asked + " dropped: " + model.id() + " takes no effort level");
        } else if (!level.get().equals(asked)) {
            config.put("effort", level.get());
            notes.add("output_config.effort " + asked + " sent as " + level.get() + ", the closest " + model.id()
                    + " takes " + claude.efforts());
        }
    }

    /** A thinking budget of at least Anthropic's minimum and below max_tokens (halved if need be); -1 when none fits. */
    private static int budgetBelow(int maxTokens, int budget) {
        budget = Math.max(ReasoningEfforts.MIN_BUDGET, budget);
        if (budget < maxTokens) {
            return budget;
        }
        return maxTokens / 2 < ReasoningEfforts.MIN_BUDGET ? -1 : maxTokens / 2;
    }

    private static ObjectNode outputConfig(ObjectNode body) {
        return body.get("output_config") instanceof ObjectNode config ? config : body.putObject("output_config");
    }

    /** True when the last assistant turn calls tools without a thinking block (history from a non-thinking model). */
    private static boolean lastAssistantLacksThinking(ArrayNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (!"assistant".equals(message.path("role").asText())) {
                continue;
            }
            boolean usesTools = false;
            for (JsonNode block : message.path("content")) {
                usesTools |= "tool_use".equals(block.path("type").asText());
            }
            String first = message.path("content").path(0).path("type").asText("");
            return usesTools && !first.equals("thinking") && !first.equals("redacted_thinking");
        }
        return false;
    }

    /** response_format from another protocol: a JSON schema becomes Anthropic's structured output; json_object can't. */
    private static void responseFormat(String formatJson, CatalogModel model, ObjectNode body) {
        if (formatJson == null) {
            return;
        }
        JsonNode format = Json.parse(formatJson, "response_format");
        String type = format.path("type").asText("text");
        switch (type) {
            case "text" -> {
                // the default
            }
            case "json_schema" -> {
                if (!model.capabilities().isEmpty() && !model.supports("json")) {
                    throw new UnsupportedRequestException("response_format json_schema is not supported by " + model.id());
                }
                JsonNode schema = format.path("json_schema").path("schema");
                if (!schema.isObject()) {
                    throw new UnsupportedRequestException("response_format.json_schema.schema must be an object");
                }
                outputConfig(body).putObject("format").put("type", "json_schema").set("schema", schema);
            }
            default -> throw new UnsupportedRequestException("response_format " + type + " is not supported by " + model.id()
                    + " (Anthropic Messages): use a json_schema response format or a model that offers JSON mode");
        }
    }

    // ---- messages ----

    record Translated(List<JsonNode> system, ArrayNode messages) {
    }

    static Translated translateMessages(JsonNode messages, List<String> notes) {
        return translateMessages(messages, false, notes);
    }

    static Translated translateMessages(JsonNode messages, boolean sameProtocol, List<String> notes) {
        List<JsonNode> system = new ArrayList<>();
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> systemBlocks(message.get("content"), system);
                case "user" -> append(out, "user", userContent(message.get("content"), sameProtocol, notes));
                case "assistant" -> append(out, "assistant", assistantContent(message, sameProtocol, notes));
                case "tool", "function" -> append(out, "user", toolResult(message));
                default -> throw new IllegalArgumentException("unsupported message role '" + role + "'");
            }
        }
        return new Translated(system, out);
    }

    /** A plain string when no block carries cache_control (the common case), else the text blocks. */
    private static JsonNode system(List<JsonNode> blocks) {
        boolean plain = blocks.stream().noneMatch(b -> b.has("cache_control") || b.has("citations"));
        if (plain) {
            List<String> texts = new ArrayList<>();
            blocks.forEach(b -> texts.add(b.path("text").asText("")));
            return Json.MAPPER.getNodeFactory().textNode(String.join("\n\n", texts));
        }
        ArrayNode array = Json.MAPPER.createArrayNode();
        blocks.forEach(array::add);
        return array;
    }

    private static void systemBlocks(JsonNode content, List<JsonNode> system) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                system.add(Json.MAPPER.createObjectNode().put("type", "text").put("text", content.asText()));
            }
            return;
        }
        for (JsonNode part : content) {
            if (part.hasNonNull("text") && !part.get("text").asText().isEmpty()) {
                ObjectNode block = Json.MAPPER.createObjectNode().put("type", "text").put("text", part.get("text").asText());
                copy(part, block, "cache_control");
                system.add(block);
            }
        }
    }

    /** Adds a turn, merging it into the previous one when the role is the same. */
    private static void append(ArrayNode out, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!out.isEmpty()) {
            ObjectNode last = (ObjectNode) out.get(out.size() - 1);
            if (role.equals(last.path("role").asText())) {
                ((ArrayNode) last.get("content")).addAll(blocks);
                return;
            }
        }
        ObjectNode turn = out.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    private static ArrayNode userContent(JsonNode content, boolean sameProtocol, List<String> notes) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText(), null);
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText(""), part);
                case "image_url" -> {
                    JsonNode image = part.path("image_url");
                    String url = image.isTextual() ? image.asText() : image.path("url").asText("");
                    blocks.add(withCacheControl(source("image", url), part));
                }
                case "file" -> file(part, blocks, notes);
                default -> passOrDrop(part, type, sameProtocol, blocks, notes);
            }
        }
        return blocks;
    }

    private static void file(JsonNode part, ArrayNode blocks, List<String> notes) {
        JsonNode file = part.path("file");
        String data = file.path("file_data").asText("");
        String url = file.path("file_url").asText("");
        ObjectNode document;
        if (data.startsWith("data:application/pdf")) {
            document = source("document", data);
        } else if (url.startsWith("http")) {
            document = source("document", url);
        } else {
            notes.add("a file part was dropped: only PDFs (data or https URLs) are passed to Anthropic");
            return;
        }
        if (file.hasNonNull("filename")) {
            document.put("title", file.get("filename").asText());
        }
        copy(part, document, "citations");
        copy(part, document, "context");
        blocks.add(withCacheControl(document, part));
    }

    /** An image or document block from a data URL (base64 source) or a plain URL (url source). */
    private static ObjectNode source(String blockType, String url) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", blockType);
        ObjectNode source = block.putObject("source");
        Matcher m = DATA_URL.matcher(url);
        if (m.matches()) {
            source.put("type", "base64").put("media_type", m.group(1)).put("data", m.group(2));
        } else {
            source.put("type", "url").put("url", url);
        }
        return block;
    }

    private static ArrayNode assistantContent(JsonNode message, boolean sameProtocol, List<String> notes) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        for (JsonNode thinking : message.path("thinking_blocks")) {
            String type = thinking.path("type").asText("");
            // An unsigned block (reasoning another provider produced, shown to an Anthropic client) would be refused.
            if (type.equals("thinking") && !thinking.path("signature").asText("").isEmpty()) {
                blocks.addObject().put("type", "thinking").put("thinking", thinking.path("thinking").asText(""))
                        .put("signature", thinking.get("signature").asText());
            } else if (type.equals("redacted_thinking") && !thinking.path("data").asText("").isEmpty()) {
                blocks.addObject().put("type", "redacted_thinking").put("data", thinking.get("data").asText());
            }
            // other providers' reasoning (OpenAI encrypted reasoning items) means nothing to Anthropic
        }
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText(), null);
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String type = part.path("type").asText("");
                switch (type) {
                    case "text" -> addText(blocks, part.path("text").asText(""), part);
                    case "refusal" -> addText(blocks, part.path("refusal").asText(""), null);
                    default -> passOrDrop(part, type, sameProtocol, blocks, notes);
                }
            }
        }
        if (message.has("native_items")) {
            notes.add("built-in tool calls of the conversation history were dropped: Anthropic Messages has no equivalent");
        }
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            ObjectNode use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText(""));
            use.put("name", function.path("name").asText(""));
            use.set("input", parseArguments(function.path("arguments").asText(""), notes));
            copy(call, use, "cache_control");
        }
        return blocks;
    }

    /** A block of a type this builder doesn't translate: the Anthropic client's own blocks pass; others are dropped. */
    private static void passOrDrop(JsonNode part, String type, boolean sameProtocol, ArrayNode blocks, List<String> notes) {
        if (sameProtocol && !KNOWN_PARTS.contains(type)) {
            blocks.add(part);
        } else {
            notes.add("a '" + type + "' content part was dropped: Anthropic Messages has no equivalent");
        }
    }

    private static JsonNode parseArguments(String arguments, List<String> notes) {
        if (arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(arguments);
            if (parsed.isObject()) {
                return parsed;
            }
        } catch (Exception e) {
            // fall through
        }
        notes.add("tool call arguments that were not a JSON object were sent as {}");
        return Json.MAPPER.createObjectNode();
    }

    private static ArrayNode toolResult(JsonNode message) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        ObjectNode result = blocks.addObject();
        result.put("type", "tool_result");
        String id = message.hasNonNull("tool_call_id") ? message.get("tool_call_id").asText() : message.path("name").asText("");
        result.put("tool_use_id", id);
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            ArrayNode parts = result.putArray("content");
            for (JsonNode part : content) {
                String type = part.path("type").asText();
                if ("text".equals(type) && !part.path("text").asText("").isEmpty()) {
                    parts.add(withCacheControl(Json.MAPPER.createObjectNode().put("type", "text").put("text", part.path("text").asText()), part));
                } else if ("image_url".equals(type)) {
                    JsonNode image = part.path("image_url");
                    parts.add(withCacheControl(source("image", image.isTextual() ? image.asText() : image.path("url").asText("")), part));
                }
            }
        } else {
            result.put("content", content == null || content.isNull() ? "" : content.asText());
        }
        if (message.path("is_error").asBoolean(false)) {
            result.put("is_error", true);
        }
        copy(message, result, "cache_control");
        return blocks;
    }

    // ---- tools ----

    static ArrayNode translateTools(JsonNode tools) {
        return translateTools(tools, false, null, new ArrayList<>(), new ArrayList<>());
    }

    static ArrayNode translateTools(JsonNode tools, boolean sameProtocol, CatalogModel model, List<String> notes, List<String> kept) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode tool : tools) {
            String name = ToolDefinitions.name(tool);
            switch (ToolDefinitions.kind(tool)) {
                case FUNCTION -> {
                    ObjectNode def = functionTool(tool.path("function"));
                    if (sameProtocol && tool.path("anthropic").isObject()) {
                        tool.get("anthropic").fields().forEachRemaining(e -> def.set(e.getKey(), e.getValue()));
                    }
                    copy(tool, def, "cache_control");
                    out.add(def);
                    kept.add(name);
                }
                case CUSTOM -> {
                    ObjectNode def = functionTool(ToolDefinitions.customAsFunction(tool));
                    copy(tool, def, "cache_control");
                    out.add(def);
                    kept.add(name);
                    notes.add("custom tool '" + name + "' sent to Anthropic as a tool with one 'input' string");
                }
                case NATIVE -> {
                    if (sameProtocol) {
                        out.add(tool);
                        kept.add(name);
                    } else {
                        notes.add("tool '" + name + "' (type " + tool.path("type").asText() + ") dropped: "
                                + (model == null ? "Anthropic" : model.id()) + " cannot call it");
                    }
                }
            }
        }
        return out;
    }

    private static ObjectNode functionTool(JsonNode function) {
        ObjectNode def = Json.MAPPER.createObjectNode();
        def.put("name", function.path("name").asText(""));
        if (function.hasNonNull("description")) {
            def.put("description", function.get("description").asText());
        }
        JsonNode parameters = function.get("parameters");
        if (parameters != null && parameters.isObject()) {
            def.set("input_schema", parameters);
        } else {
            def.putObject("input_schema").put("type", "object").putObject("properties");
        }
        return def;
    }

    static ObjectNode translateToolChoice(JsonNode choice) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "none" -> out.put("type", "none");
                case "required" -> out.put("type", "any");
                default -> out.put("type", "auto");
            }
            return out;
        }
        String name = choice.path("function").path("name").asText(choice.path("custom").path("name").asText(null));
        if (name != null) {
            out.put("type", "tool").put("name", name);
        } else {
            out.put("type", "auto");
        }
        return out;
    }

    // ---- helpers ----

    private static void addText(ArrayNode blocks, String text, JsonNode part) {
        if (!text.isEmpty()) { // Anthropic rejects empty text blocks
            ObjectNode block = blocks.addObject().put("type", "text").put("text", text);
            if (part != null) {
                copy(part, block, "cache_control");
                copy(part, block, "citations");
            }
        }
    }

    private static ObjectNode withCacheControl(ObjectNode block, JsonNode part) {
        copy(part, block, "cache_control");
        return block;
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from != null && from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }
}
