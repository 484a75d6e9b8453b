package dev.switchyard.ingress.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.switchyard.ingress.Chunks.attempt;
import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.first;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.text;
import static dev.switchyard.ingress.Chunks.tool;
import static dev.switchyard.ingress.Chunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

class OpenAiCompletionResponderTest {

    @Test
    void textAnswer() {
        OpenAiCompletionResponder responder = new OpenAiCompletionResponder("req_abc", 1_700_000_000L, "router/support");
        assertThat(responder.onChunk(first("req_abc", "w-1", "Hello", List.of(attempt(1, "openai/gpt-5.2", "ok", null))))).isEmpty();
        responder.onChunk(text("req_abc", "w-1", 1, " world"));
        responder.onChunk(last("req_abc", "w-1", 2, "stop", usage(10, 5, 3, 2, 1), List.of()));

        assertThat(responder.finish()).isEqualTo("{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-5.2-2025-12-11\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello world\","
                + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":15,\"completion_tokens\":5,"
                + "\"total_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":3,\"cache_creation_tokens\":2},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}");
    }

    @Test
    void toolCallsAreMergedByIndex() {
        OpenAiCompletionResponder responder = new OpenAiCompletionResponder("req_abc", 1L, "gpt-5.2");
        responder.onChunk(chunk("req_abc", "w-1", 0).setModelName("gpt-5.2").setToolCalls(List.of(
                tool(0, "call_a", "get_weather", "{\"ci"), tool(1, "call_b", "get_time", ""))).build());
        responder.onChunk(chunk("req_abc", "w-1", 1).setToolCalls(List.of(tool(0, null, null, "ty\":\"Paris\"}"), tool(1, null, null, "{}"))).build());
        responder.onChunk(last("req_abc", "w-1", 2, null, null, List.of()));

        assertThat(responder.finish()).isEqualTo("{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-5.2\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":["
                + "{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
                + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":0,\"total_tokens\":0,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}");
    }

    @Test
    void toolCallsThatTheProviderEndedWithStopEndWithToolCalls() {
        OpenAiCompletionResponder responder = new OpenAiCompletionResponder("req_abc", 1L, "gpt-4.1");
        responder.onChunk(chunk("req_abc", "w-1", 0).setToolCalls(List.of(tool(0, "call_a", "get_weather", "{}"))).build());
        responder.onChunk(last("req_abc", "w-1", 1, "stop", null, List.of()));
        assertThat(responder.finish()).contains("\"finish_reason\":\"tool_calls\"");
    }

    @Test
    void resetForgetsAReplacedAttempt() {
        OpenAiCompletionResponder responder = new OpenAiCompletionResponder("req_abc", 1L, "gpt-5.2");
        responder.onChunk(text("req_abc", "w-1", 0, "Half an ans"));
        responder.reset();
        responder.onChunk(chunk("req_abc", "w-2", 0).setModelId("anthropic/claude-haiku-4-5").setText("Whole").build());
        responder.onChunk(last("req_abc", "w-2", 1, "stop", null, List.of()));

        assertThat(responder.finish()).contains("\"content\":\"Whole\"").contains("\"model\":\"anthropic/claude-haiku-4-5\"")
                .doesNotContain("Half");
    }
}
