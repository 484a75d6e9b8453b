package dev.switchyard.workers.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.workers.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatMessagesTest {
    @Test
    void removesTheInternalExtensionsAStrictChatHostWouldRefuse() {
        List<String> notes = new ArrayList<>();
        JsonNode out = ChatMessages.forChat(Json.parse("""
                [
                  {"role": "system", "content": [{"type": "text", "text": "A", "cache_control": {"type": "ephemeral"}},
                                                 {"type": "text", "text": "B"}]},
                  {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}},
                                               {"type": "search_result", "source": "x"}]},
                  {"role": "assistant", "content": null, "thinking_blocks": [{"type": "thinking", "thinking": "t", "signature": "s"}],
                   "tool_calls": [{"id": "toolu_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "toolu_1", "is_error": true,
                   "content": [{"type": "text", "text": "failed"}, {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]},
                  {"role": "assistant", "content": null, "native_items": [{"type": "web_search_call"}]},
                  {"role": "user", "content": "next"}
                ]""", "m"), notes);

        assertThat(out.toString()).doesNotContain("cache_control").doesNotContain("thinking_blocks").doesNotContain("is_error")
                .doesNotContain("native_items").doesNotContain("search_result");
        assertThat(out.at("/0/content").asText()).isEqualTo("A\n\nB");
        assertThat(out.at("/2/tool_calls/0/id").asText()).isEqualTo("toolu_1");
        assertThat(out.at("/3/content").asText()).isEqualTo("Error: failed");
        assertThat(out.at("/4/role").asText()).isEqualTo("user"); // the tool's image follows the tool results
        assertThat(out.at("/4/content/1/image_url/url").asText()).isEqualTo("https://x/y.png");
        assertThat(out.at("/5/content").asText()).isEqualTo("next"); // the built-in-tool-only turn is gone
        assertThat(out).hasSize(6);
        assertThat(String.join("\n", notes)).contains("search_result").contains("built-in tool calls");
    }

    @Test
    void userIdsLongerThanOpenAiAcceptsAreHashedStably() {
        String claudeCode = "{\"device_id\":\"" + "a".repeat(64) + "\",\"account_uuid\":\"\",\"session_id\":\"s\"}";
        assertThat(UserIds.forOpenAi(claudeCode)).hasSize(64).isEqualTo(UserIds.forOpenAi(claudeCode));
        assertThat(UserIds.forOpenAi("user-42")).isEqualTo("user-42");
    }

    @Test
    void effortsAndBudgetsMapBothWays() {
        assertThat(ReasoningEfforts.budgetFor("low")).isEqualTo(2048);
        assertThat(ReasoningEfforts.budgetFor("high")).isEqualTo(16384);
        assertThat(ReasoningEfforts.effortFor(31999)).isEqualTo("high");
        assertThat(ReasoningEfforts.effortFor(1024)).isEqualTo("minimal");
        assertThat(ReasoningEfforts.effortFor(8192)).isEqualTo("medium");
    }
}
