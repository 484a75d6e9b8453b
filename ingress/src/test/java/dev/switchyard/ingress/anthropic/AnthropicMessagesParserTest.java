package dev.switchyard.ingress.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.ingress.chat.ModelResolver;
import dev.switchyard.ingress.chat.RequestEnvelope;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class AnthropicMessagesParserTest {
    private static final RequestEnvelope ENVELOPE = new RequestEnvelope("req_1", Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:10:00Z"), new ReplyAddress("llm.replies", 2));
    private final AnthropicMessagesParser parser = new AnthropicMessagesParser(new ModelResolver(ModelCatalog.builtIn()));

    private ChatRequest parse(String body, boolean count) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("anthropic-version", "2023-06-01")
                .add("anthropic-beta", "interleaved-thinking-2025-05-14").add("x-api-key", "sk-ant-secret")
                .add("x-switchyard-metadata-team", "core");
        return parser.parse(Json.parse(Buffer.buffer(body)), headers, ENVELOPE, count);
    }

    private static JsonNode json(String text) {
        return Json.parse(Buffer.buffer(text));
    }

    @Test
    void aClaudeCodeRequestBecomesTheInternalFormatWithoutLosingAnything() {
        ChatRequest request = parse("""
                {"model": "claude-sonnet-4-5-20250929", "max_tokens": 32000, "stream": true,
                 "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}],
                 "messages": [
                   {"role": "system", "content": "Environment: linux"},
                   {"role": "user", "content": [{"type": "text", "text": "Fix it", "cache_control": {"type": "ephemeral"}},
                                                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAA"}}]},
                   {"role": "assistant", "content": [
                      {"type": "thinking", "thinking": "Let me look", "signature": "sig-1"},
                      {"type": "text", "text": "Looking."},
                      {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"file_path": "a.java"}}]},
                   {"role": "user", "content": [
                      {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": true, "content": [{"type": "text", "text": "no such file"}]},
                      {"type": "text", "text": "Try b.java"}]}
                 ],
                 "tools": [{"name": "Read", "description": "Reads", "input_schema": {"type": "object"}, "defer_loading": true,
                            "cache_control": {"type": "ephemeral"}},
                           {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}],
                 "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
                 "thinking": {"type": "enabled", "budget_tokens": 4096},
                 "output_config": {"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object"}}},
                 "context_management": {"edits": []}, "top_k": 5, "stop_sequences": ["END"], "temperature": 1,
                 "metadata": {"user_id": "{\\"device_id\\":\\"d1\\"}", "tier": "pro"}}""", false);

        assertThat(request.getProtocol()).isEqualTo(ClientProtocol.ANTHROPIC_MESSAGES);
        assertThat(request.getModel()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        assertThat(request.getMaxTokens()).isEqualTo(32000);
        assertThat(request.getStream()).isTrue();
        JsonNode messages = json(request.getMessagesJson());
        assertThat(messages.at("/0/role").asText()).isEqualTo("system");
        assertThat(messages.at("/0/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(messages.at("/1/role").asText()).isEqualTo("system"); // the role: "system" message
        assertThat(messages.at("/1/content/0/text").asText()).isEqualTo("Environment: linux");
        assertThat(messages.at("/2/content/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(messages.at("/2/content/1/image_url/url").asText()).isEqualTo("data:image/png;base64,AAA");
        assertThat(messages.at("/3/thinking_blocks/0/signature").asText()).isEqualTo("sig-1");
        assertThat(messages.at("/3/content").asText()).isEqualTo("Looking.");
        assertThat(messages.at("/3/tool_calls/0/id").asText()).isEqualTo("toolu_1");
        assertThat(json(messages.at("/3/tool_calls/0/function/arguments").asText()).get("file_path").asText()).isEqualTo("a.java");
        assertThat(messages.at("/4/role").asText()).isEqualTo("tool"); // the tool result first, as chat needs it
        assertThat(messages.at("/4/is_error").asBoolean()).isTrue();
        assertThat(messages.at("/5/content").asText()).isEqualTo("Try b.java");

        JsonNode tools = json(request.getToolsJson());
        assertThat(tools.at("/0/function/parameters/type").asText()).isEqualTo("object");
        assertThat(tools.at("/0/anthropic/defer_loading").asBoolean()).isTrue();
        assertThat(tools.at("/0/cache_control/type").asText()).isEqualTo("ephemeral");
        assertThat(tools.at("/1/type").asText()).isEqualTo("web_search_20250305");
        assertThat(request.getToolChoiceJson()).isEqualTo("\"required\"");
        assertThat(request.getParallelToolCalls()).isFalse();
        assertThat(request.getReasoning().getMode()).isEqualTo("enabled");
        assertThat(request.getReasoning().getBudgetTokens()).isEqualTo(4096);
        assertThat(request.getReasoning().getEffort()).isEqualTo("high");
        assertThat(json(request.getResponseFormatJson()).at("/json_schema/schema/type").asText()).isEqualTo("object");
        assertThat(request.getStop()).containsExactly("END");
        assertThat(request.getTemperature()).isEqualTo(1.0);
        assertThat(request.getUserId()).isEqualTo("{\"device_id\":\"d1\"}");
        assertThat(request.getMetadata()).containsEntry("tier", "pro").containsEntry("team", "core").doesNotContainKey("user_id");
        JsonNode extra = json(request.getExtraJson());
        assertThat(extra.has("thinking")).isTrue(); // verbatim for Anthropic targets
        assertThat(extra.has("context_management")).isTrue();
        assertThat(extra.get("top_k").asInt()).isEqualTo(5);
        assertThat(extra.has("metadata")).isFalse();
        assertThat(request.getProviderHeaders()).containsExactly(Map.entry("anthropic-version", "2023-06-01"),
                Map.entry("anthropic-beta", "interleaved-thinking-2025-05-14"));
        assertThat(request.toString()).doesNotContain("sk-ant-secret");
    }

    @Test
    void consecutiveTurnsOfOneRoleAreAcceptedAndCountingNeedsNoMaxTokens() {
        ChatRequest request = parse("""
                {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}""", true);
        assertThat(request.getCountTokens()).isTrue();
        assertThat(request.getStream()).isFalse();
        JsonNode messages = json(request.getMessagesJson());
        assertThat(messages).hasSize(1); // merged into one user turn, as Anthropic merges them
        assertThat(messages.at("/0/content/1/text").asText()).isEqualTo("b");
    }

    @Test
    void openRoutersFallbacksBecomeTheFallbackModelsAndNeverReachAProvider() {
        ChatRequest request = parse("""
                {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}],
                 "fallbacks": [{"model": "anthropic/claude-haiku-4-5"}, {"model": "gpt-4o"}], "top_k": 5}""", false);
        assertThat(request.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5", "openai/gpt-4o");
        assertThat(json(request.getExtraJson())).isEqualTo(json("{\"top_k\":5}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"fallbacks\":[{\"model\":\"claude-nope\"}]}|fallbacks[0]: unknown model 'claude-nope'",
            "{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens: Field required",
            "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model: Field required",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens: Input should be greater than or equal to 1",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[]}|messages: at least one message is required",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5}|messages: Field required",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"bot\",\"content\":\"hi\"}]}|messages.0.role: Input should be 'user' or 'assistant'",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}|messages.0: all messages must have non-empty content except for the optional final assistant message",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_x\",\"content\":\"r\"}]}]}|unexpected `tool_use_id` found in `tool_result` blocks: toolu_x",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}]},{\"role\":\"user\",\"content\":\"no result\"}]}|`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"tools\":[{\"name\":\"f\"}]}|tools.0.custom.input_schema: Field required",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"thinking\":{\"type\":\"on\"}}|thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"temperature\":1.5}|temperature: Input should be less than or equal to 1",
            "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"tool_choice\":{\"type\":\"tool\"}}|tool_choice.tool.name: Field required",
    })
    void badInputIsA400InAnthropicsWords(String body, String message) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(body, false));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.getMessage()).contains(message);
        assertThat(Json.write(AnthropicErrors.body(e.toReplyError(), null)))
                .startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":");
    }

    @Test
    void anUnknownModelIsA404NotFoundError() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(
                "{\"model\":\"claude-nope\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", false));
        assertThat(e.status()).isEqualTo(404);
        assertThat(AnthropicErrors.body(e.toReplyError(), null).at("/error/type").asText()).isEqualTo("not_found_error");
    }
}
