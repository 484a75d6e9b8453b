package dev.switchyard.ingress.responses;

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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ResponsesParserTest {
    private static final RequestEnvelope ENVELOPE = new RequestEnvelope("req_1", Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:10:00Z"), new ReplyAddress("llm.replies", 0));
    private final ResponsesParser parser = new ResponsesParser(new ModelResolver(ModelCatalog.builtIn()));

    private ChatRequest parse(String body) {
        return parser.parse(Json.parse(Buffer.buffer(body)), MultiMap.caseInsensitiveMultiMap(), ENVELOPE);
    }

    private static JsonNode json(String text) {
        return Json.parse(Buffer.buffer(text));
    }

    @Test
    void openRoutersModelsNameTheModelAndItsFallbacks() {
        ChatRequest request = parse("""
                {"models": ["gpt-5.2", "anthropic/claude-haiku-4-5"], "input": "hi", "store": false}""");
        assertThat(request.getModel()).isEqualTo("openai/gpt-5.2");
        assertThat(request.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5");
        assertThat(json(request.getExtraJson())).isEqualTo(json("{\"store\":false}"));
    }

    @Test
    void aCodexRequestBecomesTheInternalFormat() {
        ChatRequest request = parse("""
                {"model": "gpt-5.2-codex", "instructions": "You are Codex.", "stream": true, "store": false,
                 "input": [
                   {"type": "message", "id": "msg_1", "role": "developer", "content": [{"type": "input_text", "text": "Sandbox rules"}]},
                   {"role": "user", "content": "Fix the tests"},
                   {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
                   {"type": "function_call", "call_id": "call_1", "name": "shell", "arguments": "{\\"command\\":[\\"ls\\"]}"},
                   {"type": "custom_tool_call", "call_id": "call_2", "name": "apply_patch", "input": "*** Begin Patch"},
                   {"type": "web_search_call", "id": "ws_1", "status": "completed"},
                   {"type": "function_call_output", "call_id": "call_1", "output": "a.txt"},
                   {"type": "custom_tool_call_output", "call_id": "call_2", "output": "done"}
                 ],
                 "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object"}, "strict": false},
                           {"type": "custom", "name": "apply_patch", "format": {"type": "grammar", "syntax": "lark", "definition": "x"}},
                           {"type": "web_search"}, {"type": "tool_search"}, {"type": "namespace", "name": "mcp__gh", "tools": []}],
                 "tool_choice": {"type": "function", "name": "shell"}, "parallel_tool_calls": false,
                 "reasoning": {"effort": "medium", "summary": "auto"}, "text": {"verbosity": "low", "format": {"type": "json_object"}},
                 "include": ["reasoning.encrypted_content"], "prompt_cache_key": "k", "max_output_tokens": 4000, "user": "u-9"}""");

        assertThat(request.getProtocol()).isEqualTo(ClientProtocol.OPENAI_RESPONSES);
        assertThat(request.getModel()).isEqualTo("openai/gpt-5.2-codex");
        JsonNode messages = json(request.getMessagesJson());
        assertThat(messages.at("/0/role").asText()).isEqualTo("system");
        assertThat(messages.at("/0/content").asText()).isEqualTo("You are Codex.");
        assertThat(messages.at("/1/role").asText()).isEqualTo("developer");
        assertThat(messages.at("/2/content/0/text").asText()).isEqualTo("Fix the tests");
        JsonNode assistant = messages.get(3);
        assertThat(assistant.at("/thinking_blocks/0/encrypted_content").asText()).isEqualTo("gAAA");
        assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("call_1");
        assertThat(json(assistant.at("/tool_calls/1/function/arguments").asText()).get("input").asText()).isEqualTo("*** Begin Patch");
        assertThat(assistant.at("/native_items/0/type").asText()).isEqualTo("web_search_call");
        assertThat(messages.at("/4/role").asText()).isEqualTo("tool");
        assertThat(messages.at("/5/tool_call_id").asText()).isEqualTo("call_2");

        JsonNode tools = json(request.getToolsJson());
        assertThat(tools.at("/0/function/name").asText()).isEqualTo("shell");
        assertThat(tools.at("/1/custom/format/syntax").asText()).isEqualTo("lark");
        assertThat(tools.at("/2/type").asText()).isEqualTo("web_search");
        assertThat(tools).hasSize(5);
        assertThat(json(request.getToolChoiceJson()).at("/function/name").asText()).isEqualTo("shell");
        assertThat(request.getParallelToolCalls()).isFalse();
        assertThat(request.getReasoning().getEffort()).isEqualTo("medium");
        assertThat(request.getReasoning().getSummary()).isEqualTo("auto");
        assertThat(request.getResponseFormatJson()).isEqualTo("{\"type\":\"json_object\"}");
        assertThat(request.getMaxTokens()).isEqualTo(4000);
        assertThat(request.getUserId()).isEqualTo("u-9");
        JsonNode extra = json(request.getExtraJson());
        assertThat(extra.get("prompt_cache_key").asText()).isEqualTo("k");
        assertThat(extra.has("include")).isTrue();
        assertThat(extra.has("user")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}|previous_response_id|previous_response_id is not supported",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"store\":true}|store|store: true is not supported",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"background\":true}|background|background: true is not supported",
            "{\"model\":\"gpt-5.2\"}|input|Missing required parameter: 'input'.",
            "{\"input\":\"hi\"}|model|Missing required parameter: 'model'.",
            "{\"model\":\"gpt-5.2\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"call_x\",\"output\":\"o\"}]}|input|No tool call found for function call output with call_id call_x.",
            "{\"model\":\"gpt-5.2\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}|input[0]|item_reference is not supported",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"parameters\":{}}]}|tools[0].name|Missing required parameter: 'tools[0].name'.",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"yaml\"}}}|text.format.type|Invalid value: 'yaml'",
            "{\"model\":\"gpt-5.2\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}|input[0].role|Invalid value: 'robot'",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"parallel_tool_calls\":\"yes\"}|parallel_tool_calls|expected a boolean",
            "{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"user\":42}|user|expected a string",
            "[\"hi\"]||The request body must be a JSON object",
    })
    void badInputIsA400InOpenAisWords(String body, String param, String message) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(body));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).contains(message);
    }

    @Test
    void storeFalseAsCodexSendsItIsAccepted() {
        assertThat(parse("{\"model\":\"gpt-5.2\",\"input\":\"hi\",\"store\":false}").getStream()).isFalse();
    }
}
