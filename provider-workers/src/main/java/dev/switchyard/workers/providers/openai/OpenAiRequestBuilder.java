package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.translate.Capabilities;
import dev.switchyard.workers.providers.translate.ChatMessages;
import dev.switchyard.workers.providers.translate.ExtraFields;
import dev.switchyard.workers.providers.translate.ReasoningEfforts;
import dev.switchyard.workers.providers.translate.ToolDefinitions;
import dev.switchyard.workers.providers.translate.UserIds;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the upstream chat-completions body from a {@link ChatRequest}. The worker always streams upstream (with
 * usage), whatever the client asked: ingress assembles a non-streaming answer from the chunks. Routing metadata and
 * the fallback object are never forwarded: OpenAI rejects {@code metadata} unless {@code store} is set, and routing
 * fields mean nothing to a provider.
 *
 * <p>A client that spoke OpenAI chat gets its messages and other fields through as they are. A request from another
 * protocol is translated from the internal format ({@link ChatMessages}): custom tools become functions with one
 * {@code input} string, built-in tools of the client's protocol are dropped, the reasoning request becomes
 * {@code reasoning_effort}, and the client's protocol-specific fields are dropped; each noted.
 */
public final class OpenAiRequestBuilder {
    /** OpenAI's reasoning models (gpt-5 family except the -chat variants, o1/o3/o4...). */
    private static final Pattern REASONING_NAME = Pattern.compile("^(gpt-5(?!.*-chat).*|o[1-9]([-.].*)?)$");
    /**
     * Sampling fields an OpenAI chat client may send that OpenAI's reasoning models refuse ("Unsupported parameter: ...
     * is not supported with this model"): dropped there, so a router's reasoning variant answers what its other
     * variants answer. {@code stop} too (gpt-5, gpt-5-mini, o3, o4-mini refuse it; agent frameworks send it): the
     * answer may run past a stop sequence, which beats a 400 on one variant of a router.
     */
    private static final List<String> REFUSED_BY_REASONING_MODELS = List.of("presence_penalty", "frequency_penalty", "logit_bias",
            "stop");
    /** Chat completions' logprob fields ({@link OpenAiSampling}). */
    private static final List<String> LOGPROBS = List.of("logprobs", "top_logprobs");
    /** The models that take a verbosity other than medium: the gpt-5 family but its chat models. */
    private static final Pattern VERBOSITY_LEVELS_NAME = Pattern.compile("^gpt-5(?!.*-chat).*$");
    /** OpenAI allows at most this many stop sequences. */
    private static final int MAX_STOP = 4;

    /**
     * Fields of the client's body never copied from extra_json: the ones this builder owns, routing fields, and
     * {@code n} (only the first choice is streamed back: more would be paid for and thrown away).
     */
    private static final Set<String> NOT_FORWARDED = Set.of("model", "messages", "stream", "stream_options",
            "tools", "tool_choice", "response_format", "stop", "seed", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "user", "n", "parallel_tool_calls");
    /** Fields that mean the same in the Responses API and chat completions. */
    private static final Set<String> SHARED_WITH_RESPONSES = Set.of("prompt_cache_key", "prompt_cache_retention",
            "safety_identifier", "service_tier", "store", "top_logprobs");
    /** Fields of other protocols this builder maps (so they are not reported as dropped). */
    private static final Set<String> MAPPED = Set.of("thinking", "output_config", "output_format", "reasoning", "text",
            "include", "instructions");

    private OpenAiRequestBuilder() {
    }

    /** The body to POST; {@code notes} receives the parameters that were mapped or dropped. */
    public static ObjectNode build(ChatRequest request, CatalogModel model, List<String> notes) {
        HostQuirks quirks = HostQuirks.of(model.provider());
        boolean sameProtocol = request.getProtocol() == ClientProtocol.OPENAI_CHAT || request.getProtocol() == ClientProtocol.KAFKA;
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model.upstream());
        JsonNode messages = Json.parse(request.getMessagesJson(), "messages");
        if (!messages.isArray()) {
            throw new IllegalArgumentException("messages must be an array");
        }
        JsonNode tools = request.getToolsJson() == null ? null : Json.parse(request.getToolsJson(), "tools");
        Capabilities.check(model, messages, tools);
        body.set("messages", sameProtocol ? messages : ChatMessages.forChat(messages, notes));

        // Client's other fields first, so the explicit mapping below always wins.
        ObjectNode extra = ExtraFields.of(request);
        if (sameProtocol) {
            ExtraFields.copyInto(body, extra, NOT_FORWARDED);
        } else {
            crossProtocolFields(request, extra, body, notes);
        }

        Set<String> kept = tools(body, tools, sameProtocol, model, notes);
        toolChoice(body, request.getToolChoiceJson(), kept, notes);
        if (request.getParallelToolCalls() != null && body.has("tools")) {
            body.put("parallel_tool_calls", request.getParallelToolCalls());
        }
        setJson(body, "response_format", request.getResponseFormatJson());
        if (!request.getStop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            request.getStop().stream().limit(MAX_STOP).forEach(stop::add);
            if (request.getStop().size() > MAX_STOP) {
                notes.add("stop sequences beyond the first " + MAX_STOP + " dropped (OpenAI's limit)");
            }
        }
        if (request.getSeed() != null) {
            body.put("seed", request.getSeed());
        }

        boolean reasoning = isReasoningModel(model);
        Optional<ReasoningLevels> levels = reasoning ? ReasoningLevels.of(model.upstream()) : Optional.empty();
        String effort = reasoningEffort(request, model, reasoning, levels, body, notes);
        OpenAiSampling.apply(request, model, reasoning, levels, effort, body, LOGPROBS, notes);
        if (reasoning) {
            for (String field : REFUSED_BY_REASONING_MODELS) {
                if (body.remove(field) != null) {
                    notes.add(field + " dropped: " + model.id() + " is a reasoning model and refuses it");
                }
            }
        }
        if (request.getMaxTokens() != null) {
            // OpenAI's reasoning models reject max_tokens: their limit covers hidden reasoning tokens too.
            body.put(reasoning && quirks.maxCompletionTokens() ? "max_completion_tokens" : "max_tokens", request.getMaxTokens());
        }
        if (request.getUserId() != null) {
            body.put("user", UserIds.forOpenAi(request.getUserId()));
        }
        body.put("stream", true);
        if (quirks.streamOptions()) {
            body.putObject("stream_options").put("include_usage", true);
        }
        if (body.path("verbosity").isTextual() && !"medium".equals(body.get("verbosity").asText()) && !takesVerbosityLevels(model)) {
            notes.add("verbosity " + body.remove("verbosity").asText() + " dropped: " + model.id() + " answers only at medium");
        }
        applyQuirks(body, quirks, model, notes);
        return body;
    }

    /** The fields of a Responses or Anthropic client that have an equivalent here; the rest is noted as dropped. */
    private static void crossProtocolFields(ChatRequest request, ObjectNode extra, ObjectNode body, List<String> notes) {
        Set<String> mapped = new HashSet<>(MAPPED);
        if (request.getProtocol() == ClientProtocol.OPENAI_RESPONSES) {
            for (String field : SHARED_WITH_RESPONSES) {
                if (extra.has(field)) {
                    body.set(field, extra.get(field));
                    mapped.add(field);
                }
            }
            JsonNode verbosity = extra.path("text").path("verbosity");
            if (verbosity.isTextual()) {
                body.put("verbosity", verbosity.asText());
            }
        }
        ExtraFields.noteDropped(extra, mapped, request.getProtocol(), "OpenAI chat completions", notes);
    }

    /** Copies the tools the target can call; returns the names kept. */
    private static Set<String> tools(ObjectNode body, JsonNode tools, boolean sameProtocol, CatalogModel model, List<String> notes) {
        Set<String> kept = new HashSet<>();
        if (tools == null || !tools.isArray()) {
            return kept;
        }
        if (sameProtocol) {
            body.set("tools", tools);
            tools.forEach(t -> kept.add(ToolDefinitions.name(t)));
            return kept;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (JsonNode tool : tools) {
            String name = ToolDefinitions.name(tool);
            switch (ToolDefinitions.kind(tool)) {
                case FUNCTION -> {
                    ObjectNode function = out.addObject().put("type", "function");
                    ObjectNode def = ((ObjectNode) tool.path("function")).deepCopy();
                    function.set("function", def);
                    kept.add(name);
                }
                case CUSTOM -> {
                    out.addObject().put("type", "function").set("function", ToolDefinitions.customAsFunction(tool));
                    notes.add("custom tool '" + name + "' sent to " + model.id() + " as a function with one 'input' string");
                    kept.add(name);
                }
                case NATIVE -> notes.add("tool '" + name + "' (type " + tool.path("type").asText() + ") dropped: "
                        + model.id() + " cannot call it through chat completions");
            }
        }
        if (!out.isEmpty()) {
            body.set("tools", out);
        }
        return kept;
    }

    private static void toolChoice(ObjectNode body, String choiceJson, Set<String> kept, List<String> notes) {
        if (choiceJson == null || choiceJson.isBlank() || !body.has("tools")) {
            return;
        }
        JsonNode choice = Json.parse(choiceJson, "tool_choice");
        if (choice.isObject()) {
            String name = choice.path("function").path("name").asText(choice.path("custom").path("name").asText(choice.path("name").asText(null)));
            if (name != null && !kept.contains(name)) {
                notes.add("tool_choice '" + name + "' dropped: that tool was not sent");
                return;
            }
            if (name != null && !"function".equals(choice.path("type").asText())) {
                ObjectNode function = Json.MAPPER.createObjectNode().put("type", "function");
                function.putObject("function").put("name", name);
                body.set("tool_choice", function);
                return;
            }
        }
        body.set("tool_choice", choice);
    }

    /**
     * The client's reasoning request (from any protocol, its own {@code reasoning_effort} included) as the closest
     * {@code reasoning_effort} the model accepts ({@link ReasoningLevels}); for a model that does not reason, none (the
     * client's own is removed). Returns the effort sent, or null when none is.
     */
    private static String reasoningEffort(ChatRequest request, CatalogModel model, boolean reasoningModel,
                                          Optional<ReasoningLevels> levels, ObjectNode body, List<String> notes) {
        String effort = request.getReasoning() == null ? null : ReasoningEfforts.effortOf(request.getReasoning());
        JsonNode own = body.remove("reasoning_effort");
        if (!reasoningModel && !model.supports("reasoning")) {
            // Also the client's own reasoning_effort: OpenAI refuses it on a model that does not reason ("Unrecognized
            // request argument supplied"), and a router's variant without reasoning must answer what another variant
            // with reasoning answers.
            if (own != null || (effort != null && !"none".equals(effort))) {
                notes.add("reasoning request dropped: " + model.id() + " is not a reasoning model");
            }
            return null;
        }
        String asked = own != null && own.isTextual() ? own.asText() : effort;
        if (asked == null) {
            return null;
        }
        String sent;
        if (levels.isPresent()) {
            Optional<String> closest = levels.get().closest(asked);
            if (closest.isEmpty()) {
                notes.add("reasoning_effort " + asked + " dropped: " + model.id() + " takes no reasoning effort");
                return null;
            }
            sent = closest.get();
        } else {
            sent = own != null ? asked : ReasoningEfforts.openAiEffort(asked); // a reasoning model without known levels
        }
        body.put("reasoning_effort", sent);
        if (own == null && (request.getProtocol() != ClientProtocol.OPENAI_CHAT || !sent.equals(request.getReasoning().getEffort()))) {
            notes.add("reasoning request mapped to reasoning_effort=" + sent);
        } else if (own != null && !sent.equals(asked)) {
            notes.add("reasoning_effort " + asked + " sent as " + sent + ", the closest " + model.id() + " accepts "
                    + levels.map(ReasoningLevels::efforts).orElse(List.of()));
        }
        return sent;
    }

    private static void applyQuirks(ObjectNode body, HostQuirks quirks, CatalogModel model, List<String> notes) {
        for (String field : quirks.unsupported()) {
            if (body.has(field)) {
                body.remove(field);
                notes.add(field + " dropped: " + model.provider() + " does not accept it");
            }
        }
        for (Map.Entry<String, String> rename : quirks.renamed().entrySet()) {
            if (body.has(rename.getKey())) {
                body.set(rename.getValue(), body.remove(rename.getKey()));
            }
        }
        if (!quirks.maxCompletionTokens() && body.has("max_completion_tokens")) {
            body.set("max_tokens", body.remove("max_completion_tokens"));
        }
    }

    /**
     * OpenAI's reasoning models: by name (gpt-5*, o1/o3/o4) on any OpenAI-compatible host, or the catalog's
     * "reasoning" capability on OpenAI itself. Other hosts' reasoning models (DeepSeek R1, Gemini 2.5) keep
     * max_tokens and temperature, which they accept.
     */
    public static boolean isReasoningModel(CatalogModel model) {
        String name = model.upstream();
        int slash = name.lastIndexOf('/');
        String bare = slash >= 0 ? name.substring(slash + 1) : name; // openrouter-style "openai/o3"
        if (REASONING_NAME.matcher(bare).matches()) {
            return true;
        }
        return ("openai".equals(model.provider()) || "azure".equals(model.provider())) && model.supports("reasoning");
    }

    /**
     * Whether the model takes a verbosity of low or high: only the gpt-5 family does; OpenAI answers others with
     * "Unsupported value: 'verbosity' does not support 'low' with this model. Supported values are: 'medium'."
     */
    public static boolean takesVerbosityLevels(CatalogModel model) {
        String name = model.upstream().substring(model.upstream().lastIndexOf('/') + 1);
        return VERBOSITY_LEVELS_NAME.matcher(name).matches();
    }

    private static void setJson(ObjectNode body, String field, String json) {
        if (json != null && !json.isBlank()) {
            body.set(field, Json.parse(json, field));
        }
    }
}
