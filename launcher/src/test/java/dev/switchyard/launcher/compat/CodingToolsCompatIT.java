package dev.switchyard.launcher.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.testsupport.mock.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Claude Code's and Codex CLI's request shapes (fixtures in {@code compat/}, written from what the tools send against
 * a loopback server) through {@code router/coding}, whose variants are OpenAI and Anthropic models: each tool served
 * by a model of its own protocol and of the other one, first turn (a tool call) and second turn (the tool's result),
 * with the event sequences the tools need and the upstream requests checked at the mock provider.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodingToolsCompatIT {
    private static final String BETAS = "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,"
            + "fine-grained-tool-streaming-2025-05-14";
    private static CompatStack stack;

    @BeforeAll
    static void start() {
        stack = CompatStack.get();
    }

    @BeforeEach
    void resetMock() {
        stack.mock.reset();
        stack.mock.clearRequests();
    }

    // ---- Claude Code ----

    @Test
    void claudeCodeServedByAnAnthropicModelKeepsItsWholeRequestAndGetsTheFullEventSequence() {
        HttpResponse<String> first = claudeCode(CompatStack.resource("compat/claude-code-router.json"), "anthropic");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(first.headers().firstValue("x-switchyard-variant")).isPresent();
        Sse events = Sse.parse(first.body());
        events.events().forEach(e -> assertThat(e.name()).isEqualTo(e.type())); // every event: line names its data's type
        assertThat(events.shape()).containsExactly("message_start", "ping",
                "content_block_start:thinking", "content_block_delta:thinking_delta", "content_block_delta:signature_delta",
                "content_block_stop", "content_block_start:tool_use", "content_block_delta:input_json_delta",
                "content_block_stop", "message_delta", "message_stop");
        JsonNode delta = events.first("message_delta").data();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(delta.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(delta.at("/usage/input_tokens").asLong()).isPositive();

        RecordedRequest upstream = stack.upstream("claude-sonnet-4-5", 1).get(0);
        JsonNode body = upstream.body();
        assertThat(upstream.path()).isEqualTo("/v1/messages");
        assertThat(upstream.header("anthropic-beta")).isEqualTo(BETAS);
        assertThat(upstream.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(upstream.headers().keySet()).noneMatch(h -> h.startsWith("x-switchyard"));
        assertThat(body.get("system")).hasSize(3); // two system blocks and the role: "system" message Claude Code sent
        assertThat(body.get("system")).allSatisfy(b -> assertThat(b.at("/cache_control/type").asText()).isEqualTo("ephemeral"));
        assertThat(body.get("messages")).allSatisfy(m -> assertThat(m.get("role").asText()).isIn("user", "assistant"));
        assertThat(body.at("/messages/0/content/1/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(body.get("tools")).hasSize(12);
        assertThat(body.at("/tools/11/defer_loading").asBoolean()).isTrue();
        assertThat(body.get("thinking")).isEqualTo(CompatStack.json("{\"type\":\"enabled\",\"budget_tokens\":31999}"));
        assertThat(body.has("context_management")).isTrue();
        // Claude Code asks effort high; claude-sonnet-4-5 has none ("This model does not support the effort parameter").
        assertThat(body.has("output_config")).isFalse();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(32000);
        assertThat(body.at("/metadata/user_id").asText()).startsWith("{\"device_id\"");
        assertThat(body.get("metadata")).hasSize(1);

        // Turn two: Claude Code sends the thinking block (with its signature) and the tool_use back with the result.
        ObjectNode second = (ObjectNode) CompatStack.json(CompatStack.resource("compat/claude-code-router.json"));
        ArrayNode messages = (ArrayNode) second.get("messages");
        messages.add(anthropicAssistantTurn(events));
        ObjectNode result = messages.addObject().put("role", "user");
        result.putArray("content").addObject().put("type", "tool_result")
                .put("tool_use_id", messages.get(messages.size() - 2).at("/content/1/id").asText()).put("content", "Main.java Util.java");
        HttpResponse<String> answer = claudeCode(second.toString(), "anthropic");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Sse secondEvents = Sse.parse(answer.body());
        assertThat(text(secondEvents)).startsWith("Tool said: Main.java Util.java");
        assertThat(secondEvents.first("message_delta").data().at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        JsonNode resent = stack.upstream("claude-sonnet-4-5", 2).get(1).body();
        JsonNode assistant = resent.at("/messages/1/content");
        assertThat(assistant.at("/0/type").asText()).isEqualTo("thinking");
        assertThat(assistant.at("/0/signature").asText()).startsWith("mocksig_"); // the mock verified it, as Anthropic does
        assertThat(assistant.at("/1/type").asText()).isEqualTo("tool_use");
    }

    @Test
    void claudeCodeServedByAnOpenAiModelGetsAnthropicEventsAndItsHintsAreMappedOrDroppedWithNotes() {
        HttpResponse<String> first = claudeCode(CompatStack.resource("compat/claude-code-router.json"), "openai");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Sse events = Sse.parse(first.body());
        events.events().forEach(e -> assertThat(e.name()).isEqualTo(e.type()));
        assertThat(events.shape()).containsExactly("message_start", "ping", "content_block_start:tool_use",
                "content_block_delta:input_json_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.first("message_delta").data().at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        JsonNode toolUse = events.first("content_block_start").data().get("content_block");
        assertThat(toolUse.get("name").asText()).isEqualTo("Task");
        assertThat(toolUse.get("id").asText()).startsWith("call_");
        assertThat(inputJson(events).isObject()).isTrue();

        JsonNode body = stack.upstream("gpt-5.2", 1).get(0).body();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.toString()).doesNotContain("cache_control").doesNotContain("defer_loading");
        assertThat(body.get("tools")).hasSize(12).allSatisfy(t -> assertThat(t.get("type").asText()).isEqualTo("function"));
        assertThat(body.get("reasoning_effort").asText()).isEqualTo("high");
        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(32000);
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.has("context_management")).isFalse();
        assertThat(body.get("user").asText().length()).isLessThanOrEqualTo(64); // Claude Code's long JSON user id, hashed
        Completion completion = stack.completion(first.headers().firstValue("x-switchyard-request-id").orElseThrow());
        assertThat(completion.getModelId()).isEqualTo("openai/gpt-5.2");
        assertThat(String.join("\n", completion.getNotes())).contains("context_management").contains("reasoning_effort=high");

        ObjectNode second = (ObjectNode) CompatStack.json(CompatStack.resource("compat/claude-code-router.json"));
        ArrayNode messages = (ArrayNode) second.get("messages");
        messages.add(anthropicAssistantTurn(events));
        messages.addObject().put("role", "user").putArray("content").addObject().put("type", "tool_result")
                .put("tool_use_id", toolUse.get("id").asText()).put("is_error", true).put("content", "permission denied");
        HttpResponse<String> answer = claudeCode(second.toString(), "openai");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(text(Sse.parse(answer.body()))).startsWith("Tool said: Error: permission denied");
        JsonNode resent = stack.upstream("gpt-5.2", 2).get(1).body().get("messages");
        JsonNode tool = resent.get(resent.size() - 1);
        assertThat(tool.get("role").asText()).isEqualTo("tool");
        assertThat(tool.get("tool_call_id").asText()).isEqualTo(toolUse.get("id").asText());
        assertThat(resent.get(resent.size() - 2).at("/tool_calls/0/function/name").asText()).isEqualTo("Task");
    }

    @Test
    void bareAndDatedModelNamesAndAnOperatorAliasResolveThroughTheCatalog() {
        HttpResponse<String> dated = claudeCode(CompatStack.resource("compat/claude-code-bare-model.json"), null);
        assertThat(dated.statusCode()).as(dated.body()).isEqualTo(200);
        assertThat(stack.upstream("claude-sonnet-4-5-20250929", 1)).isNotEmpty();

        ObjectNode aliased = (ObjectNode) CompatStack.json(CompatStack.resource("compat/claude-code-bare-model.json"));
        aliased.put("model", "claude-3-5-haiku-20241022"); // Claude Code's small fast model: the operator sends it to a router
        HttpResponse<String> routed = claudeCode(aliased.toString(), null);
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        assertThat(routed.headers().firstValue("x-switchyard-router")).hasValue("coding");
    }

    // ---- Codex CLI ----

    @Test
    void codexServedByAResponsesModelGetsTheDocumentedEventsAndSendsItsReasoningBack() {
        HttpResponse<String> first = codex(CompatStack.resource("compat/codex-router.json"), "codex");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Sse events = Sse.parse(first.body());
        assertSequenceNumbered(events);
        assertThat(events.shape()).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done", "response.completed");
        JsonNode reasoning = events.ofType("response.output_item.done").get(0).data().get("item");
        assertThat(reasoning.get("encrypted_content").asText()).startsWith("mockenc_");
        JsonNode call = events.ofType("response.output_item.done").get(1).data().get("item");
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("name").asText()).isEqualTo("shell");
        JsonNode completed = events.last().data().get("response");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(completed.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(completed.get("output")).hasSize(2);

        RecordedRequest upstream = stack.upstream("gpt-5.2-codex", 1).get(0);
        assertThat(upstream.path()).isEqualTo("/v1/responses");
        JsonNode body = upstream.body();
        assertThat(body.get("tools")).hasSize(7); // namespace, web_search and tool_search reach a Responses model as they are
        assertThat(body.at("/tools/4/type").asText()).isEqualTo("namespace");
        assertThat(body.at("/tools/3/format/type").asText()).isEqualTo("grammar");
        assertThat(body.get("store").asBoolean()).isFalse();
        assertThat(body.at("/include/0").asText()).isEqualTo("reasoning.encrypted_content");
        assertThat(body.at("/reasoning/summary").asText()).isEqualTo("auto");
        assertThat(body.get("prompt_cache_key").asText()).isNotEmpty();
        assertThat(body.at("/text/verbosity").asText()).isEqualTo("low");

        // Turn two: the reasoning item (encrypted), the call and its output.
        ObjectNode second = (ObjectNode) CompatStack.json(CompatStack.resource("compat/codex-router.json"));
        ArrayNode input = (ArrayNode) second.get("input");
        input.add(reasoning);
        input.add(call);
        input.addObject().put("type", "function_call_output").put("call_id", call.get("call_id").asText()).put("output", "2 tests failed");
        HttpResponse<String> answer = codex(second.toString(), "codex");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Sse secondEvents = Sse.parse(answer.body());
        assertThat(outputText(secondEvents)).startsWith("Tool said: 2 tests failed");
        JsonNode resent = stack.upstream("gpt-5.2-codex", 2).get(1).body().get("input");
        assertThat(resent.toString()).contains("\"encrypted_content\":\"mockenc_"); // the mock verified it, as OpenAI does
    }

    @Test
    void codexServedByAnAnthropicModelDropsToolTypesClaudeCannotExpressWithNotes() {
        HttpResponse<String> first = codex(CompatStack.resource("compat/codex-router.json"), "anthropic");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        Sse events = Sse.parse(first.body());
        assertSequenceNumbered(events);
        assertThat(events.names()).contains("response.output_item.done").last().isEqualTo("response.completed");
        JsonNode completed = events.last().data().get("response");
        JsonNode call = completed.get("output").get(completed.get("output").size() - 1);
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("name").asText()).isEqualTo("shell");
        assertThat(call.get("call_id").asText()).startsWith("toolu_");
        JsonNode reasoning = completed.get("output").get(0);
        assertThat(reasoning.get("type").asText()).isEqualTo("reasoning");
        assertThat(reasoning.has("encrypted_content")).isFalse(); // Anthropic's signature would not pass OpenAI's check
        assertThat(completed.at("/usage/total_tokens").asLong()).isPositive();

        JsonNode body = stack.upstream("claude-sonnet-4-5", 1).get(0).body();
        assertThat(body.get("tools")).hasSize(4);
        assertThat(body.at("/tools/3/name").asText()).isEqualTo("apply_patch");
        assertThat(body.at("/tools/3/input_schema/properties/input/type").asText()).isEqualTo("string");
        assertThat(body.at("/thinking/type").asText()).isEqualTo("enabled");
        assertThat(body.at("/system").toString()).contains("You are Codex").contains("permissions instructions");
        Completion completion = stack.completion(first.headers().firstValue("x-switchyard-request-id").orElseThrow());
        assertThat(String.join("\n", completion.getNotes())).contains("'mcp__github' (type namespace) dropped")
                .contains("(type web_search) dropped").contains("(type tool_search) dropped")
                .contains("custom tool 'apply_patch'").contains("prompt_cache_key");

        ObjectNode second = (ObjectNode) CompatStack.json(CompatStack.resource("compat/codex-router.json"));
        ArrayNode input = (ArrayNode) second.get("input");
        input.add(reasoning);
        input.add(call);
        input.addObject().put("type", "function_call_output").put("call_id", call.get("call_id").asText()).put("output", "all green");
        HttpResponse<String> answer = codex(second.toString(), "anthropic");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(outputText(Sse.parse(answer.body()))).startsWith("Tool said: all green");
        Completion secondCompletion = stack.completion(answer.headers().firstValue("x-switchyard-request-id").orElseThrow());
        assertThat(secondCompletion.getStatus()).isEqualTo(CompletionStatus.OK);
        assertThat(String.join("\n", secondCompletion.getNotes())).contains("no thinking block to continue");
    }

    @Test
    void codexServedByAnOpenAiChatModelGetsTheSameEventSequence() {
        HttpResponse<String> answer = codex(CompatStack.resource("compat/codex-router-text.json"), "openai");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Sse events = Sse.parse(answer.body());
        assertSequenceNumbered(events);
        assertThat(events.shape()).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(outputText(events)).startsWith("Hello from gpt-5.2.");
        JsonNode body = stack.upstream("gpt-5.2", 1).get(0).body();
        assertThat(body.get("reasoning_effort").asText()).isEqualTo("medium");
        assertThat(body.get("prompt_cache_key").asText()).isNotEmpty();
        assertThat(body.get("verbosity").asText()).isEqualTo("low");
        assertThat(body.at("/messages/1/role").asText()).isEqualTo("developer");
    }

    // ---- helpers ----

    private static HttpResponse<String> claudeCode(String body, String target) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer sk-ant-test-not-a-key");
        headers.put("anthropic-version", "2023-06-01");
        headers.put("anthropic-beta", BETAS);
        headers.put("user-agent", "claude-cli/2.0.0 (external, cli)");
        if (target != null) {
            headers.put("x-switchyard-metadata-target", target); // ANTHROPIC_CUSTOM_HEADERS
        }
        return stack.post("/v1/messages?beta=true", body, headers);
    }

    private static HttpResponse<String> codex(String body, String target) {
        return stack.post("/v1/responses", body, Map.of("authorization", "Bearer sk-test-not-a-key",
                "x-switchyard-metadata-target", target, "originator", "codex_cli_rs")); // http_headers in Codex's provider config
    }

    /** The assistant turn Claude Code rebuilds from a stream: each block from its start event and its deltas. */
    static ObjectNode anthropicAssistantTurn(Sse events) {
        ObjectNode assistant = CompatStack.JSON.createObjectNode().put("role", "assistant");
        ArrayNode content = assistant.putArray("content");
        Map<Integer, ObjectNode> blocks = new LinkedHashMap<>();
        Map<Integer, StringBuilder> json = new LinkedHashMap<>();
        for (Sse.Event event : events.events()) {
            int index = event.data().path("index").asInt();
            switch (event.type()) {
                case "content_block_start" -> blocks.put(index, ((ObjectNode) event.data().get("content_block")).deepCopy());
                case "content_block_delta" -> {
                    JsonNode delta = event.data().get("delta");
                    ObjectNode block = blocks.get(index);
                    switch (delta.get("type").asText()) {
                        case "thinking_delta" -> block.put("thinking", block.path("thinking").asText("") + delta.get("thinking").asText());
                        case "signature_delta" -> block.put("signature", delta.get("signature").asText());
                        case "text_delta" -> block.put("text", block.path("text").asText("") + delta.get("text").asText());
                        case "input_json_delta" -> json.computeIfAbsent(index, i -> new StringBuilder()).append(delta.get("partial_json").asText());
                        default -> { }
                    }
                }
                default -> { }
            }
        }
        blocks.forEach((index, block) -> {
            if (json.containsKey(index)) {
                block.set("input", CompatStack.json(json.get(index).toString()));
            }
            content.add(block);
        });
        return assistant;
    }

    private static JsonNode inputJson(Sse events) {
        StringBuilder json = new StringBuilder();
        events.ofType("content_block_delta").forEach(e -> json.append(e.data().at("/delta/partial_json").asText("")));
        return CompatStack.json(json.toString());
    }

    static String text(Sse events) {
        StringBuilder text = new StringBuilder();
        events.ofType("content_block_delta").forEach(e -> text.append(e.data().at("/delta/text").asText("")));
        return text.toString();
    }

    static String outputText(Sse events) {
        StringBuilder text = new StringBuilder();
        events.ofType("response.output_text.delta").forEach(e -> text.append(e.data().get("delta").asText()));
        return text.toString();
    }

    /** Every Responses event carries a sequence_number, 0, 1, 2, ... */
    static void assertSequenceNumbered(Sse events) {
        List<Integer> numbers = new ArrayList<>();
        events.events().forEach(e -> {
            assertThat(e.name()).isEqualTo(e.type());
            numbers.add(e.data().get("sequence_number").asInt());
        });
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(i);
        }
    }
}
