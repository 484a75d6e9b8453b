package dev.switchyard.ingress.openai;

import dev.switchyard.events.ReplyError;
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

class OpenAiStreamResponderTest {
    private static final String HEAD = "{\"id\":\"chatcmpl-abc\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gpt-5.2-2025-12-11\",";

    @Test
    void textStreamWithUsage() {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1_700_000_000L, true, "router/support");
        String out = responder.onChunk(first("req_abc", "w-1", "Hello", List.of(attempt(1, "openai/gpt-5.2", "ok", null))))
                + responder.onChunk(text("req_abc", "w-1", 1, " world"))
                + responder.onChunk(last("req_abc", "w-1", 2, "stop", usage(10, 5, 3, 2, 1), List.of()))
                + responder.finish();

        assertThat(out).isEqualTo(""
                // With include_usage every chunk before the usage chunk has "usage": null, as OpenAI's do.
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                + "data: " + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":15,\"completion_tokens\":5,\"total_tokens\":20,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":3,\"cache_creation_tokens\":2},\"completion_tokens_details\":{\"reasoning_tokens\":1}}}\n\n"
                + "data: [DONE]\n\n");
    }

    @Test
    void textThatNeedsEscapingSurvivesTheTextOnlyFastPath() throws Exception {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1_700_000_000L, false, "router/support");
        responder.onChunk(first("req_abc", "w-1", "Hi", List.of(attempt(1, "openai/gpt-5.2", "ok", null))));
        String tricky = "say \"yes\"\n\ttab \\ back\u0001 é 😀 </script>";
        String event = responder.onChunk(text("req_abc", "w-1", 1, tricky));

        assertThat(event).startsWith("data: " + HEAD).endsWith("\n\n");
        com.fasterxml.jackson.databind.JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(event.substring("data: ".length()).strip());
        assertThat(parsed.at("/choices/0/delta/content").asText()).isEqualTo(tricky);
        assertThat(parsed.at("/choices/0/finish_reason").isNull()).isTrue();
    }

    @Test
    void toolCallsAndReasoningWithoutUsage() {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1_700_000_000L, false, "gpt-5.2");
        String out = responder.onChunk(chunk("req_abc", "w-1", 0).setModelName("gpt-5.2-2025-12-11").setReasoning("Thinking").build())
                + responder.onChunk(chunk("req_abc", "w-1", 1).setToolCalls(List.of(tool(0, "call_1", "get_weather", ""))).build())
                + responder.onChunk(chunk("req_abc", "w-1", 2).setToolCalls(List.of(tool(0, null, null, "{\"city\":\"Paris\"}"))).build())
                + responder.onChunk(last("req_abc", "w-1", 3, "tool_calls", null, List.of()))
                + responder.finish();

        assertThat(out).isEqualTo(""
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Thinking\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: [DONE]\n\n");
    }

    @Test
    void toolCallsThatTheProviderEndedWithStopEndWithToolCalls() {
        // OpenAI answers a tool_choice naming the function with finish_reason "stop"; clients loop on "tool_calls".
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1L, false, "gpt-4.1");
        String out = responder.onChunk(chunk("req_abc", "w-1", 0).setModelName("gpt-4.1")
                        .setToolCalls(List.of(tool(0, "call_1", "get_weather", "{}"))).build())
                + responder.onChunk(last("req_abc", "w-1", 1, "stop", null, List.of()));
        assertThat(out).endsWith("\"finish_reason\":\"tool_calls\"}]}\n\n");

        OpenAiStreamResponder cut = new OpenAiStreamResponder("req_abc", 1L, false, "gpt-4.1");
        String truncated = cut.onChunk(chunk("req_abc", "w-1", 0).setToolCalls(List.of(tool(0, "call_1", "f", "{\"a\""))).build())
                + cut.onChunk(last("req_abc", "w-1", 1, "length", null, List.of()));
        assertThat(truncated).as("a call cut by max tokens is no finished call").endsWith("\"finish_reason\":\"length\"}]}\n\n");

        OpenAiStreamResponder text = new OpenAiStreamResponder("req_abc", 1L, false, "gpt-4.1");
        assertThat(text.onChunk(text("req_abc", "w-1", 0, "Hi")) + text.onChunk(last("req_abc", "w-1", 1, "stop", null, List.of())))
                .endsWith("\"finish_reason\":\"stop\"}]}\n\n");
    }

    @Test
    void modelFallsBackToTheCatalogIdWhenTheProviderNamedNone() {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1L, false, "router/support");
        assertThat(responder.onChunk(chunk("req_abc", "w-1", 0).setModelId("anthropic/claude-haiku-4-5").setText("Hi").build()))
                .contains("\"model\":\"anthropic/claude-haiku-4-5\"");
    }

    @Test
    void anErrorAfterBytesIsAnErrorEventWithoutDone() {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1L, false, "gpt-5.2");
        String event = responder.errorEvent(new ReplyError(502, "upstream_error", "provider_error", null, "the provider failed", null));
        assertThat(event).isEqualTo("data: {\"error\":{\"message\":\"the provider failed\",\"type\":\"upstream_error\",\"param\":null,\"code\":\"provider_error\"}}\n\n");
        assertThat(event).doesNotContain("[DONE]");
    }

    @Test
    void anErrorBeforeBytesIsOpenAisErrorBody() {
        OpenAiStreamResponder responder = new OpenAiStreamResponder("req_abc", 1L, false, "router/x");
        assertThat(responder.errorBody(new ReplyError(404, "not_found_error", "router_not_found", "model", "no router 'x'", null)))
                .isEqualTo("{\"error\":{\"message\":\"no router 'x'\",\"type\":\"not_found_error\",\"param\":\"model\",\"code\":\"router_not_found\"}}");
    }
}
