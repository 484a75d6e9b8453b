package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MockOpenAiTest {
    static MockLlmProvider mock;
    static String url;

    @BeforeAll
    static void start() {
        mock = MockLlmProvider.builder().instances(2).defaultBehaviour(MockBehaviour.ofChunks(6)).start();
        url = mock.openAiBaseUrl() + "/chat/completions";
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset().defaultBehaviour(MockBehaviour.ofChunks(6));
        mock.clearRequests();
    }

    static String body(String model, String userText, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":" + Json.quote(userText) + "}]" + extra + "}";
    }

    @Test
    void servesOnTheEpollTransportOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the epoll library on the class path is the linux-x86_64 one");
        assertThat(mock.nativeTransport()).as("Vert.x on epoll (is netty-transport-native-epoll on the class path?)").isTrue();
    }

    @Test
    void nonStreamingShape() {
        String b = body("gpt-5.2", "Say hi", "");
        HttpResponse<String> r = Http.post(url, b, Map.of("authorization", "Bearer sk-test"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
        JsonNode j = Http.json(r.body());
        assertThat(j.path("id").asText()).startsWith("chatcmpl-");
        assertThat(j.path("object").asText()).isEqualTo("chat.completion");
        assertThat(j.path("model").asText()).isEqualTo("gpt-5.2");
        assertThat(j.path("created").isIntegralNumber()).isTrue();
        JsonNode choice = j.path("choices").get(0);
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asText()).startsWith("Hello from gpt-5.2. ")
                .isEqualTo("Hello from gpt-5.2. lorem ipsum dolor ");
        JsonNode usage = j.path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(6);
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(("Be brief.".length() + "Say hi".length()) / 4);
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());

        RecordedRequest rec = mock.awaitRequests(1, Duration.ofSeconds(5)).get(0);
        assertThat(rec.protocol()).isEqualTo(RecordedRequest.Protocol.OPENAI);
        assertThat(rec.path()).isEqualTo("/v1/chat/completions");
        assertThat(rec.model()).isEqualTo("gpt-5.2");
        assertThat(rec.header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(rec.headers()).containsKey("authorization");
        assertThat(rec.body().path("messages").size()).isEqualTo(2);
        assertThat(rec.lastUserText()).isEqualTo("Say hi");
        assertThat(rec.stream()).isFalse();
    }

    @Test
    void streamingSequenceWithUsage() {
        Http.Stream2 s = Http.stream(url, body("gpt-4o-mini", "Stream please [[mock:chunks=4]]",
                ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.error()).isNull();
        assertThat(s.response().headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        List<Http.Event> ev = s.events();
        // role chunk, 4 content chunks, finish chunk, usage chunk, [DONE]
        assertThat(ev).hasSize(8);
        assertThat(ev.get(ev.size() - 1).data()).isEqualTo("[DONE]");
        String id = ev.get(0).json().path("id").asText();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            JsonNode c = ev.get(i).json();
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.path("id").asText()).isEqualTo(id);
            assertThat(c.path("model").asText()).isEqualTo("gpt-4o-mini");
            if (i < 6) {
                assertThat(c.has("usage")).isTrue();
                assertThat(c.path("usage").isNull()).isTrue();
                JsonNode choice = c.path("choices").get(0);
                text.append(choice.path("delta").path("content").asText(""));
                if (i < 5) {
                    assertThat(choice.path("finish_reason").isNull()).isTrue();
                }
            }
        }
        JsonNode first = ev.get(0).json().path("choices").get(0).path("delta");
        assertThat(first.path("role").asText()).isEqualTo("assistant");
        assertThat(first.path("content").asText()).isEmpty();
        for (int i = 1; i <= 4; i++) {
            String piece = ev.get(i).json().path("choices").get(0).path("delta").path("content").asText();
            assertThat(piece).endsWith(" ").doesNotContain("[[");
        }
        assertThat(text.toString()).isEqualTo("Hello from gpt-4o-mini. lorem ");
        JsonNode finish = ev.get(5).json().path("choices").get(0);
        assertThat(finish.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(finish.path("delta").size()).isZero();
        JsonNode usageChunk = ev.get(6).json();
        assertThat(usageChunk.path("choices").isArray()).isTrue();
        assertThat(usageChunk.path("choices").size()).isZero();
        assertThat(usageChunk.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isPositive();
    }

    @Test
    void streamingWithoutIncludeUsageHasNoUsageChunk() {
        Http.Stream2 s = Http.stream(url, body("gpt-4o", "hi [[mock:chunks=2]]", ",\"stream\":true"));
        List<Http.Event> ev = s.events();
        assertThat(ev).hasSize(5); // role, 2 content, finish, [DONE]
        assertThat(ev.get(0).json().has("usage")).isFalse();
        assertThat(ev.get(3).json().path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void maxCompletionTokensTruncates() {
        JsonNode j = Http.json(Http.post(url, body("gpt-5.2", "hi [[mock:chunks=10]]",
                ",\"max_completion_tokens\":3")).body());
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(j.path("usage").path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void metadataNeedsStore() {
        HttpResponse<String> r = Http.post(url, body("gpt-4o", "hi", ",\"metadata\":{\"language\":\"es\"}"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = Http.json(r.body()).path("error");
        assertThat(e.path("message").asText()).contains("'metadata' parameter is only allowed when 'store'");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("param").asText()).isEqualTo("metadata");
        assertThat(e.has("code")).isTrue();

        assertThat(Http.post(url, body("gpt-4o", "hi", ",\"store\":true,\"metadata\":{\"language\":\"es\"}"))
                .statusCode()).isEqualTo(200);

        r = Http.post(url, body("gpt-4o", "hi", ",\"store\":true,\"metadata\":{\"tier\":3}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("param").asText()).isEqualTo("metadata.tier");

        StringBuilder many = new StringBuilder(",\"store\":true,\"metadata\":{");
        for (int i = 0; i < 17; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        r = Http.post(url, body("gpt-4o", "hi", many.append('}').toString()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("code").asText()).isEqualTo("object_above_max_properties");
    }

    @Test
    void reasoningModelsRejectMaxTokensAndTemperature() {
        HttpResponse<String> r = Http.post(url, body("gpt-5.2", "hi", ",\"max_tokens\":100"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode e = Http.json(r.body()).path("error");
        assertThat(e.path("message").asText()).isEqualTo("Unsupported parameter: 'max_tokens' is not supported "
                + "with this model. Use 'max_completion_tokens' instead.");
        assertThat(e.path("param").asText()).isEqualTo("max_tokens");
        assertThat(e.path("code").asText()).isEqualTo("unsupported_parameter");

        assertThat(Http.post(url, body("o3-mini", "hi", ",\"max_tokens\":100")).statusCode()).isEqualTo(400);
        assertThat(Http.post(url, body("gpt-4o", "hi", ",\"max_tokens\":100")).statusCode()).isEqualTo(200);
        assertThat(Http.post(url, body("gpt-5.2", "hi", ",\"max_completion_tokens\":100")).statusCode())
                .isEqualTo(200);

        r = Http.post(url, body("gpt-5", "hi", ",\"temperature\":0.2"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("param").asText()).isEqualTo("temperature");
        assertThat(Http.post(url, body("gpt-5", "hi", ",\"temperature\":1")).statusCode()).isEqualTo(200);
        assertThat(Http.post(url, body("gpt-4o", "hi", ",\"temperature\":0.2")).statusCode()).isEqualTo(200);
    }

    @Test
    void basicValidation() {
        HttpResponse<String> r = Http.post(url, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText()).contains("model");

        r = Http.post(url, "{\"model\":\"gpt-4o\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("param").asText()).isEqualTo("messages");

        r = Http.post(url, "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("code").asText()).isEqualTo("empty_array");

        r = Http.post(url, body("gpt-4o", "hi", ",\"router\":\"router/abc\""));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .isEqualTo("Unrecognized request argument supplied: router");

        r = Http.post(url, "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");

        r = Http.post(url, body("gpt-4o", "hi", ""), Map.of("X-Switchyard-Metadata-Language", "es"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .contains("x-switchyard-metadata-language");

        r = Http.post(url, body("gpt-4o", "hi", ",\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.statusCode()).isEqualTo(400);

        r = Http.post(url, body("gpt-4o", "hi [[mock:bogus=1]]", ""));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText()).contains("[[mock:bogus=1]]");

        assertThat(mock.requests()).hasSize(8); // rejected requests are recorded too
    }

    static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search\","
            + "\"description\":\"Search\",\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":"
            + "{\"type\":\"string\"}}}}},{\"type\":\"function\",\"function\":{\"name\":\"weather\","
            + "\"parameters\":{\"type\":\"object\"}}}]";

    @Test
    void streamedToolCall() {
        Http.Stream2 s = Http.stream(url, body("gpt-5.2", "Find llamas", TOOLS
                + ",\"tool_choice\":\"required\",\"stream\":true"));
        List<Http.Event> ev = s.events();
        assertThat(ev.get(ev.size() - 1).data()).isEqualTo("[DONE]");
        JsonNode first = ev.get(0).json().path("choices").get(0).path("delta");
        assertThat(first.path("role").asText()).isEqualTo("assistant");
        JsonNode call = first.path("tool_calls").get(0);
        assertThat(call.path("index").asInt()).isZero();
        assertThat(call.path("id").asText()).startsWith("call_");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("search");
        StringBuilder args = new StringBuilder();
        int fragments = 0;
        for (int i = 1; i < ev.size() - 2; i++) {
            JsonNode tc = ev.get(i).json().path("choices").get(0).path("delta").path("tool_calls").get(0);
            assertThat(tc.path("index").asInt()).isZero();
            args.append(tc.path("function").path("arguments").asText());
            fragments++;
        }
        assertThat(fragments).isGreaterThanOrEqualTo(2);
        assertThat(Http.json(args.toString()).path("query").asText()).isEqualTo("Find llamas");
        assertThat(ev.get(ev.size() - 2).json().path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("tool_calls");
    }

    @Test
    void toolCallByDirectiveAndByName() {
        JsonNode j = Http.json(Http.post(url, body("gpt-4o", "Weather in Oslo? [[mock:tool]]", TOOLS)).body());
        JsonNode msg = j.path("choices").get(0).path("message");
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(msg.path("content").isNull()).isTrue();
        assertThat(msg.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("search");
        assertThat(Http.json(msg.path("tool_calls").get(0).path("function").path("arguments").asText())
                .path("query").asText()).isEqualTo("Weather in Oslo?");

        j = Http.json(Http.post(url, body("gpt-4o", "Weather in Oslo?", TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}")).body());
        assertThat(j.path("choices").get(0).path("message").path("tool_calls").get(0).path("function")
                .path("name").asText()).isEqualTo("weather");
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).as("OpenAI's finish for a named tool_choice")
                .isEqualTo("stop");

        // tools but no reason to call one: plain text
        j = Http.json(Http.post(url, body("gpt-4o", "Hi", TOOLS)).body());
        assertThat(j.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void toolResultIsEchoed() {
        String b = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Find llamas [[mock:tool]]\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"search\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"3 llamas found\"}]" + TOOLS + "}";
        JsonNode j = Http.json(Http.post(url, b).body());
        assertThat(j.path("choices").get(0).path("message").path("content").asText())
                .startsWith("Tool said: 3 llamas found");

        String orphan = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_9\",\"content\":\"r\"}]}";
        HttpResponse<String> r = Http.post(url, orphan);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .contains("must be a response to a preceeding message with 'tool_calls'");
    }
}
