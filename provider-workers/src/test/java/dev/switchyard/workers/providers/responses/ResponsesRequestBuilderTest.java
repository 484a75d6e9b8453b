package dev.switchyard.workers.providers.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReasoningConfig;
import dev.switchyard.workers.TestRequests;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The internal request as an OpenAI Responses API body (the shape OpenAI's API reference documents). */
class ResponsesRequestBuilderTest {
    private static final CatalogModel CODEX = ModelCatalog.builtIn().find("openai/gpt-5.2-codex").orElseThrow();

    private static final String CONVERSATION = """
            [
              {"role": "system", "content": "Be terse."},
              {"role": "user", "content": [{"type": "text", "text": "Fix the bug"},
                                           {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}}]},
              {"role": "assistant", "content": "Looking.", "thinking_blocks": [
                 {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
                 {"type": "thinking", "thinking": "hmm", "signature": "anthropic-sig"}],
               "tool_calls": [
                 {"id": "call_1", "type": "function", "function": {"name": "shell", "arguments": "{\\"command\\":[\\"ls\\"]}"}},
                 {"id": "call_2", "type": "function", "function": {"name": "apply_patch", "arguments": "{\\"input\\":\\"*** Begin Patch\\"}"}}]},
              {"role": "tool", "tool_call_id": "call_1", "content": "a.txt"},
              {"role": "tool", "tool_call_id": "call_2", "content": "applied", "is_error": true}
            ]""";
    private static final String TOOLS = """
            [{"type": "function", "function": {"name": "shell", "description": "Run", "parameters": {"type": "object"}, "strict": true}},
             {"type": "custom", "custom": {"name": "apply_patch", "description": "Patch", "format": {"type": "grammar", "syntax": "lark", "definition": "start: x"}}},
             {"type": "web_search"}]""";

    @Test
    void buildsInputItemsFlatToolsAndNeverStores() {
        List<String> notes = new ArrayList<>();
        JsonNode body = ResponsesRequestBuilder.build(TestRequests.chat(CONVERSATION).setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setToolsJson(TOOLS).setToolChoiceJson("{\"type\":\"custom\",\"custom\":{\"name\":\"apply_patch\"}}")
                .setMaxTokens(900).setExtraJson("{\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\"k\",\"store\":false}")
                .build(), CODEX, notes);

        assertThat(body.get("model").asText()).isEqualTo("gpt-5.2-codex");
        JsonNode input = body.get("input");
        assertThat(input.at("/0/role").asText()).isEqualTo("system");
        assertThat(input.at("/0/content/0/type").asText()).isEqualTo("input_text");
        assertThat(input.at("/1/content/1/type").asText()).isEqualTo("input_image");
        assertThat(input.at("/1/content/1/image_url").asText()).isEqualTo("data:image/png;base64,AAA");
        assertThat(input.at("/2/type").asText()).isEqualTo("reasoning");
        assertThat(input.at("/2/encrypted_content").asText()).isEqualTo("gAAA");
        assertThat(input.at("/3/role").asText()).isEqualTo("assistant");
        assertThat(input.at("/3/content/0/type").asText()).isEqualTo("output_text");
        assertThat(input.at("/4/type").asText()).isEqualTo("function_call");
        assertThat(input.at("/4/call_id").asText()).isEqualTo("call_1");
        assertThat(input.at("/5/type").asText()).isEqualTo("custom_tool_call");
        assertThat(input.at("/5/input").asText()).isEqualTo("*** Begin Patch");
        assertThat(input.at("/6/type").asText()).isEqualTo("function_call_output");
        assertThat(input.at("/7/type").asText()).isEqualTo("custom_tool_call_output");
        assertThat(input.at("/7/output").asText()).isEqualTo("Error: applied");
        assertThat(input.toString()).doesNotContain("anthropic-sig");

        assertThat(body.at("/tools/0/name").asText()).isEqualTo("shell"); // flat, not chat's {"function": {...}}
        assertThat(body.at("/tools/0/strict").asBoolean()).isTrue();
        assertThat(body.at("/tools/1/type").asText()).isEqualTo("custom");
        assertThat(body.at("/tools/1/format/syntax").asText()).isEqualTo("lark");
        assertThat(body.at("/tools/2/type").asText()).isEqualTo("web_search"); // the Responses client's own built-in tool
        assertThat(body.at("/tool_choice/type").asText()).isEqualTo("custom");
        assertThat(body.at("/tool_choice/name").asText()).isEqualTo("apply_patch");
        assertThat(body.get("max_output_tokens").asInt()).isEqualTo(900);
        assertThat(body.at("/include/0").asText()).isEqualTo("reasoning.encrypted_content");
        assertThat(body.get("prompt_cache_key").asText()).isEqualTo("k");
        assertThat(body.get("store").asBoolean()).isFalse();
        assertThat(body.get("stream").asBoolean()).isTrue();
    }

    @Test
    void aCodexRequestLosesItsReasoningFieldsOnAModelThatDoesNotReason() {
        // A router splitting Codex between gpt-5.2-codex and gpt-4.1: OpenAI refuses reasoning and encrypted reasoning
        // items on gpt-4.1.
        List<String> notes = new ArrayList<>();
        JsonNode body = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setReasoning(ReasoningConfig.newBuilder().setEffort("medium").setSummary("auto").build())
                .setExtraJson("{\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},"
                        + "\"include\":[\"reasoning.encrypted_content\"],\"prompt_cache_key\":\"k\"}")
                .build(), ModelCatalog.builtIn().find("openai/gpt-4.1").orElseThrow(), notes);

        assertThat(body.has("reasoning")).isFalse();
        assertThat(body.has("include")).isFalse();
        assertThat(body.get("prompt_cache_key").asText()).isEqualTo("k");
        assertThat(notes).singleElement().asString().contains("reasoning request dropped").contains("openai/gpt-4.1");
    }

    @Test
    void fromAnotherProtocolMapsReasoningAndFormatAndDropsWhatItCannotExpress() {
        List<String> notes = new ArrayList<>();
        JsonNode body = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.ANTHROPIC_MESSAGES)
                .setReasoning(ReasoningConfig.newBuilder().setMode("enabled").setBudgetTokens(20000).build())
                .setTemperature(0.5).setStop(List.of("END")).setSeed(4L)
                .setToolsJson("[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]")
                .setResponseFormatJson("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"out\",\"schema\":{\"type\":\"object\"},\"strict\":true}}")
                .setExtraJson("{\"top_k\":3,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":20000}}")
                .build(), CODEX, notes);

        assertThat(body.at("/reasoning/effort").asText()).isEqualTo("high");
        assertThat(body.at("/text/format/type").asText()).isEqualTo("json_schema");
        assertThat(body.at("/text/format/name").asText()).isEqualTo("out");
        assertThat(body.at("/text/format/strict").asBoolean()).isTrue();
        assertThat(body.has("temperature")).isFalse();
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("top_k")).isFalse();
        assertThat(body.has("thinking")).isFalse();
        assertThat(String.join("\n", notes)).contains("temperature").contains("stop sequences").contains("seed")
                .contains("web_search_20250305").contains("top_k").doesNotContain("thinking");
    }

    @Test
    void aCodexRequestsEffortBecomesTheClosestTheModelAccepts() {
        // Codex asks "minimal" of a router whose variants are gpt-5-mini (has it) and gpt-5.2 (has none, low, ...).
        String codex = "{\"reasoning\":{\"effort\":\"minimal\",\"summary\":\"auto\"},\"top_logprobs\":2}";
        List<String> notes = new ArrayList<>();
        JsonNode newer = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setReasoning(ReasoningConfig.newBuilder().setEffort("minimal").setSummary("auto").build())
                .setTemperature(0.3).setExtraJson(codex).build(), ModelCatalog.builtIn().find("openai/gpt-5.2").orElseThrow(), notes);
        assertThat(newer.at("/reasoning/effort").asText()).isEqualTo("none");
        assertThat(newer.at("/reasoning/summary").asText()).isEqualTo("auto");
        assertThat(newer.get("temperature").asDouble()).isEqualTo(0.3); // at effort none gpt-5.2 samples
        assertThat(newer.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(notes).singleElement().asString().contains("reasoning.effort minimal sent as none");

        List<String> olderNotes = new ArrayList<>();
        JsonNode older = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setReasoning(ReasoningConfig.newBuilder().setEffort("minimal").setSummary("auto").build())
                .setTemperature(0.3).setExtraJson(codex).build(), ModelCatalog.builtIn().find("openai/gpt-5-mini").orElseThrow(), olderNotes);
        assertThat(older.at("/reasoning/effort").asText()).isEqualTo("minimal");
        assertThat(older.has("temperature") || older.has("top_logprobs")).isFalse();
        assertThat(olderNotes).hasSize(2);
    }

    @Test
    void aVerbosityOtherThanMediumReachesOnlyTheGpt5Family() {
        List<String> notes = new ArrayList<>();
        JsonNode body = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setExtraJson("{\"text\":{\"verbosity\":\"low\"}}").build(), ModelCatalog.builtIn().find("openai/o3-pro").orElseThrow(), notes);
        assertThat(body.has("text")).isFalse();
        assertThat(notes).anySatisfy(note -> assertThat(note).contains("text.verbosity low dropped"));

        JsonNode codex = ResponsesRequestBuilder.build(TestRequests.hello().setProtocol(ClientProtocol.OPENAI_RESPONSES)
                .setExtraJson("{\"text\":{\"verbosity\":\"low\"}}").build(), CODEX, new ArrayList<>());
        assertThat(codex.at("/text/verbosity").asText()).isEqualTo("low");
    }
}
