package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAI Responses endpoint, Anthropic's count_tokens and extended thinking, and the provider rules that break
 * routers in production (chat-shaped tools sent to the Responses API, thinking without its signature, JSON mode without
 * the word "json", routers' internal fields leaking to OpenAI).
 */
class MockResponsesAndRulesTest {
    static MockLlmProvider mock;

    @BeforeAll
    static void start() {
        mock = MockLlmProvider.builder().defaultBehaviour(MockBehaviour.ofChunks(4)).start();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    private static String responses() {
        return mock.openAiBaseUrl() + "/responses";
    }

    private static String messages() {
        return mock.anthropicBaseUrl() + "/v1/messages";
    }

    private static String chat() {
        return mock.openAiBaseUrl() + "/chat/completions";
    }

    // ---- Responses API ----

    @Test
    void responsesStreamIsTheDocumentedSequenceWithSequenceNumbers() {
        Http.Stream2 s = Http.stream(responses(), "{\"model\":\"gpt-5.2-codex\",\"input\":\"Hi\",\"stream\":true,"
                + "\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},\"include\":[\"reasoning.encrypted_content\"]}");

        assertThat(s.status()).isEqualTo(200);
        List<Http.Event> ev = s.events();
        assertThat(ev).extracting(Http.Event::event).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed");
        for (int i = 0; i < ev.size(); i++) {
            assertThat(ev.get(i).json().path("type").asText()).isEqualTo(ev.get(i).event());
            assertThat(ev.get(i).json().path("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(ev.get(7).json().at("/item/encrypted_content").asText()).startsWith(ResponsesProtocol.ENCRYPTED_PREFIX);
        JsonNode done = ev.get(ev.size() - 1).json().path("response");
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.at("/usage/output_tokens").asInt()).isEqualTo(4);
        assertThat(done.path("output")).hasSize(2);
    }

    @Test
    void responsesFunctionAndCustomToolCallsAndTheirOutputs() {
        HttpResponse<String> call = Http.post(responses(), "{\"model\":\"gpt-5.2-codex\",\"input\":\"ls please\",\"tool_choice\":\"required\","
                + "\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\"},{\"type\":\"function\",\"name\":\"shell\",\"parameters\":{}}]}");
        assertThat(call.statusCode()).isEqualTo(200);
        JsonNode item = Http.json(call.body()).at("/output/0");
        assertThat(item.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(item.path("input").asText()).isEqualTo("ls please");

        HttpResponse<String> answer = Http.post(responses(), "{\"model\":\"gpt-5.2-codex\",\"input\":["
                + "{\"role\":\"user\",\"content\":\"ls\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"shell\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"a.txt b.txt\"}]}");
        assertThat(Http.json(answer.body()).at("/output/0/content/0/text").asText()).startsWith("Tool said: a.txt b.txt");
    }

    @Test
    void responsesRefusesWhatRoutersGetWrong() {
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}"),
                "tools[0].name");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":\"x\",\"max_tokens\":5}"), "max_tokens");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"o\"}]}"),
                "No tool call found");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],"
                + "\"encrypted_content\":\"anthropic-signature\"},{\"role\":\"user\",\"content\":\"x\"}]}"), "could not be verified");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5\",\"input\":\"x\",\"temperature\":0.2}"), "temperature");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":\"x\",\"reasoning\":{\"effort\":\"low\"},\"temperature\":0.2}"),
                "temperature");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-5.2\",\"input\":\"x\",\"reasoning\":{\"effort\":\"minimal\"}}"),
                "'reasoning.effort' does not support 'minimal'");
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-4.1\",\"input\":\"x\",\"reasoning\":{\"effort\":\"low\"}}"), "reasoning.effort");
    }

    // ---- Anthropic count_tokens and thinking ----

    @Test
    void countTokensAnswersWithTheInputTokensAndRefusesGenerationFields() {
        HttpResponse<String> r = Http.post(messages() + "/count_tokens",
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r.body()).path("input_tokens").asInt()).isEqualTo(100);
        assertRefused(Http.post(messages() + "/count_tokens",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), "max_tokens");
        assertThat(mock.lastRequest().path()).isEqualTo("/v1/messages/count_tokens");
    }

    @Test
    void thinkingStartsTheAnswerWithASignedBlockThatMustComeBackUnchanged() {
        Http.Stream2 s = Http.stream(messages(), "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"stream\":true,"
                + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(s.events()).extracting(Http.Event::event).startsWith("message_start", "content_block_start", "content_block_delta",
                "content_block_delta", "content_block_stop", "content_block_start");
        String signature = s.events().get(3).json().at("/delta/signature").asText();
        assertThat(signature).startsWith(AnthropicProtocol.SIGNATURE_PREFIX);
        assertThat(s.events().get(5).json().path("index").asInt()).isEqualTo(1);

        String history = "[{\"role\":\"user\",\"content\":\"Weather?\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"%s\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"w\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}]";
        String thinking = ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
        assertThat(Http.post(messages(), thinkingBody(String.format(history, signature), thinking)).statusCode()).isEqualTo(200);
        assertRefused(Http.post(messages(), thinkingBody(String.format(history, "gAAAA-from-openai"), thinking)), "Invalid `signature`");
        String noThinking = history.replace("{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"%s\"},", "");
        assertRefused(Http.post(messages(), thinkingBody(noThinking, thinking)), "must start with a thinking block");
    }

    @Test
    void anthropicsRedactedThinkingTriggerStartsTheAnswerWithARedactedBlockThatMustComeBackUnchanged() {
        String trigger = "{\"role\":\"user\",\"content\":\"" + AnthropicProtocol.REDACTED_TRIGGER
                + "_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB\"}";
        String thinking = ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}";
        Http.Stream2 s = Http.stream(messages(), thinkingBody("[" + trigger + "]", thinking + ",\"stream\":true"));
        assertThat(s.events()).extracting(Http.Event::event).startsWith("message_start", "content_block_start",
                "content_block_stop", "content_block_start");
        JsonNode block = s.events().get(1).json().path("content_block");
        assertThat(block.path("type").asText()).isEqualTo("redacted_thinking");
        String data = block.path("data").asText();
        assertThat(data).startsWith(AnthropicProtocol.REDACTED_PREFIX);
        JsonNode whole = Http.json(Http.post(messages(), thinkingBody("[" + trigger + "]", thinking)).body());
        assertThat(whole.at("/content/0/type").asText()).isEqualTo("redacted_thinking");
        assertThat(whole.at("/content/1/type").asText()).isEqualTo("text");

        String history = "[{\"role\":\"user\",\"content\":\"Weather?\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"redacted_thinking\",\"data\":\"%s\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"w\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}]";
        assertThat(Http.post(messages(), thinkingBody(String.format(history, data), thinking)).statusCode()).isEqualTo(200);
        assertRefused(Http.post(messages(), thinkingBody(String.format(history, "forged"), thinking)), "Invalid `data`");
    }

    @Test
    void aStopSequenceInTheAnswerEndsItThereWithStopReasonStopSequence() {
        String hi = "[{\"role\":\"user\",\"content\":\"Hi\"}]";
        JsonNode whole = Http.json(Http.post(messages(), thinkingBody(hi, ",\"stop_sequences\":[\"nothing\",\"sonnet\",\"from\"]")).body());
        assertThat(whole.at("/content/0/text").asText()).isEqualTo("Hello ");
        assertThat(whole.get("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(whole.get("stop_sequence").asText()).isEqualTo("from");

        Http.Stream2 s = Http.stream(messages(), thinkingBody(hi, ",\"stream\":true,\"stop_sequences\":[\"-4\"]"));
        JsonNode delta = s.events().stream().filter(e -> e.event().equals("message_delta")).findFirst().orElseThrow().json();
        assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(delta.at("/delta/stop_sequence").asText()).isEqualTo("-4");
        String text = s.events().stream().filter(e -> e.event().equals("content_block_delta"))
                .map(e -> e.json().at("/delta/text").asText()).reduce("", String::concat);
        assertThat(text).isEqualTo("Hello from claude-sonnet");

        JsonNode none = Http.json(Http.post(messages(), thinkingBody(hi, ",\"stop_sequences\":[\"absent\"]")).body());
        assertThat(none.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(none.get("stop_sequence").isNull()).isTrue();
    }

    @Test
    void thinkingRulesAboutSamplingBudgetsAndForcedTools() {
        String hi = "[{\"role\":\"user\",\"content\":\"Hi\"}]";
        assertRefused(Http.post(messages(), thinkingBody(hi, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"temperature\":0.5")),
                "`temperature` may only be set to 1");
        assertRefused(Http.post(messages(), thinkingBody(hi, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":8000}")),
                "`max_tokens` must be greater than `thinking.budget_tokens`");
        assertRefused(Http.post(messages(), thinkingBody(hi, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},\"tool_choice\":{\"type\":\"any\"},"
                + "\"tools\":[{\"name\":\"w\",\"input_schema\":{\"type\":\"object\"}}]")), "tool_choice forces tool use");
    }

    @Test
    void eachClaudeGenerationTakesItsOwnFormOfThinkingEffortAndSampling() {
        String hi = ",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        // Claude 4.7 and later: adaptive thinking only, no sampling fields.
        assertRefused(Http.post(messages(), "{\"model\":\"claude-opus-4-7\"" + hi + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}"),
                "thinking.type.enabled\\\" is not supported for this model. Use \\\"thinking.type.adaptive");
        assertRefused(Http.post(messages(), "{\"model\":\"claude-opus-4-7\"" + hi + ",\"thinking\":{\"type\":\"disabled\"}}"),
                "thinking.type.disabled\\\" is not supported");
        assertRefused(Http.post(messages(), "{\"model\":\"claude-fable-5\"" + hi + ",\"temperature\":0.5}"), "`temperature` is deprecated for this model.");
        assertRefused(Http.post(messages(), "{\"model\":\"claude-opus-4-7\"" + hi + ",\"top_k\":5}"), "`top_k` is deprecated");
        assertThat(Http.post(messages(), "{\"model\":\"claude-opus-4-7\"" + hi + ",\"thinking\":{\"type\":\"adaptive\"},"
                + "\"output_config\":{\"effort\":\"xhigh\"}}").statusCode()).isEqualTo(200);
        // Adaptive thinking from 4.6; effort on Opus 4.5 and from 4.6, max from 4.6, xhigh from 4.7.
        assertRefused(Http.post(messages(), "{\"model\":\"claude-sonnet-4-5\"" + hi + ",\"thinking\":{\"type\":\"adaptive\"}}"),
                "thinking.type.adaptive\\\" is not supported");
        assertRefused(Http.post(messages(), "{\"model\":\"claude-haiku-4-5\"" + hi + ",\"output_config\":{\"effort\":\"low\"}}"),
                "This model does not support the effort parameter.");
        assertRefused(Http.post(messages(), "{\"model\":\"claude-sonnet-4-6\"" + hi + ",\"output_config\":{\"effort\":\"xhigh\"}}"),
                "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.");
        assertThat(Http.post(messages(), "{\"model\":\"claude-sonnet-4-6\"" + hi + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"temperature\":1}").statusCode()).isEqualTo(200);
        // Prefill, from 4.6 on.
        String prefill = ",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"JSON?\"},{\"role\":\"assistant\",\"content\":\"{\"}]";
        assertRefused(Http.post(messages(), "{\"model\":\"claude-sonnet-4-6\"" + prefill + "}"),
                "This model does not support assistant message prefill. The conversation must end with a user message.");
        assertThat(Http.post(messages(), "{\"model\":\"claude-sonnet-4-5\"" + prefill + "}").statusCode()).isEqualTo(200);
    }

    private static String thinkingBody(String messages, String extra) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,\"messages\":" + messages + extra + "}";
    }

    // ---- OpenAI chat rules ----

    @Test
    void chatRulesJsonModeReasoningEffortAndInternalFields() {
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}"), "must contain the word 'json'");
        HttpResponse<String> json = Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"answer in JSON\"}],"
                + "\"response_format\":{\"type\":\"json_object\"}}");
        assertThat(Http.json(Http.json(json.body()).at("/choices/0/message/content").asText()).path("answer").asText())
                .isEqualTo("Hello from gpt-4.1.");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"low\"}"),
                "reasoning_effort");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"presence_penalty\":0.5}"),
                "Unsupported parameter: 'presence_penalty'");
        assertThat(Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"presence_penalty\":0.5}")
                .statusCode()).isEqualTo(200);
        assertRefused(Http.post(chat(), "{\"model\":\"o3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stop\":[\"###\"]}"),
                "Unsupported parameter: 'stop'");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}]}]}"), "cache_control");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"a\",\"thinking_blocks\":[]},{\"role\":\"user\",\"content\":\"b\"}]}"), "thinking_blocks");
    }

    @Test
    void reasoningModelsTakeTheirOwnEffortsAndSampleOnlyWhenTheyDoNotReason() {
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5.2\"," + hi + ",\"reasoning_effort\":\"minimal\"}"),
                "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: "
                        + "'none', 'low', 'medium', 'high', and 'xhigh'.");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5-mini\"," + hi + ",\"reasoning_effort\":\"none\"}"), "does not support 'none'");
        assertRefused(Http.post(chat(), "{\"model\":\"o3\"," + hi + ",\"reasoning_effort\":\"minimal\"}"), "does not support 'minimal'");
        assertRefused(Http.post(chat(), "{\"model\":\"o3\"," + hi + ",\"logprobs\":true}"), "Unsupported parameter: 'logprobs'");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5.2\"," + hi + ",\"reasoning_effort\":\"low\",\"logprobs\":true}"),
                "Unsupported parameter: 'logprobs'");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5.2\"," + hi + ",\"reasoning_effort\":\"low\",\"temperature\":0.2}"),
                "'temperature' does not support 0.2");
        // At effort none (gpt-5.2's default) it samples like a model that does not reason.
        assertThat(Http.post(chat(), "{\"model\":\"gpt-5.2\"," + hi + ",\"temperature\":0.2,\"top_p\":0.9,\"logprobs\":true,\"top_logprobs\":2}")
                .statusCode()).isEqualTo(200);
        assertThat(Http.post(chat(), "{\"model\":\"gpt-5-mini\"," + hi + ",\"reasoning_effort\":\"minimal\"}").statusCode()).isEqualTo(200);
        assertThat(Http.post(chat(), "{\"model\":\"gpt-5.2-chat-latest\"," + hi + ",\"reasoning_effort\":\"medium\"}").statusCode()).isEqualTo(200);
        // Other hosts' models (the mock answers for every OpenAI-compatible host) take efforts and verbosity their own way.
        assertThat(Http.post(chat(), "{\"model\":\"gemini-2.5-flash\"," + hi + ",\"reasoning_effort\":\"low\",\"verbosity\":\"low\"}")
                .statusCode()).isEqualTo(200);
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-4o\"," + hi + ",\"verbosity\":\"low\"}"),
                "Unsupported value: 'verbosity' does not support 'low' with this model. Supported values are: 'medium'.");
        assertThat(Http.post(chat(), "{\"model\":\"gpt-4o\"," + hi + ",\"verbosity\":\"medium\"}").statusCode()).isEqualTo(200);
        assertThat(Http.post(chat(), "{\"model\":\"gpt-5.2\"," + hi + ",\"verbosity\":\"low\"}").statusCode()).isEqualTo(200);
        assertRefused(Http.post(responses(), "{\"model\":\"gpt-4.1\",\"input\":\"x\",\"text\":{\"verbosity\":\"high\"}}"),
                "'text.verbosity' does not support 'high'");
        assertRefused(Http.post(chat(), "{\"model\":\"gpt-5-chat-latest\"," + hi + ",\"reasoning_effort\":\"low\"}"),
                "Unsupported parameter: 'reasoning_effort'");
    }

    @Test
    void logprobsComeWithTheContentWhenAskedFor() {
        Http.Stream2 s = Http.stream(chat(), "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stream\":true,\"logprobs\":true}");
        JsonNode first = s.events().get(1).json();
        assertThat(first.at("/choices/0/logprobs/content/0/token").asText()).isEqualTo(first.at("/choices/0/delta/content").asText());
    }

    private static void assertRefused(HttpResponse<String> r, String messagePart) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(messagePart);
    }
}
