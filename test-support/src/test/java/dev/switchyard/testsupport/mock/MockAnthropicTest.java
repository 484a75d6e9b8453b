package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MockAnthropicTest {
    static MockLlmProvider mock;
    static String url;

    @BeforeAll
    static void start() {
        mock = MockLlmProvider.builder().defaultBehaviour(MockBehaviour.ofChunks(5)).start();
        url = mock.anthropicBaseUrl() + "/v1/messages";
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    static String body(String model, String userText, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"system\":\"Be brief.\",\"messages\":["
                + "{\"role\":\"user\",\"content\":" + Json.quote(userText) + "}]" + extra + "}";
    }

    @Test
    void nonStreamingShape() {
        HttpResponse<String> r = Http.post(url, body("claude-haiku-4-5", "Say hi", ""));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("request-id")).isPresent();
        JsonNode j = Http.json(r.body());
        assertThat(j.path("id").asText()).startsWith("msg_");
        assertThat(j.path("type").asText()).isEqualTo("message");
        assertThat(j.path("role").asText()).isEqualTo("assistant");
        assertThat(j.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(j.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(j.path("content").get(0).path("text").asText()).isEqualTo("Hello from claude-haiku-4-5. lorem ipsum ");
        assertThat(j.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(j.path("usage").path("output_tokens").asInt()).isEqualTo(5);
        assertThat(j.path("usage").path("input_tokens").asInt()).isEqualTo(("Be brief.".length() + 6) / 4);
    }

    @Test
    void streamingEventSequence() {
        Http.Stream2 s = Http.stream(url, body("claude-sonnet-4-5", "Stream [[mock:chunks=3]]", ",\"stream\":true"));
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.error()).isNull();
        List<Http.Event> ev = s.events();
        assertThat(ev).extracting(Http.Event::event).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        for (Http.Event e : ev) {
            assertThat(e.json().path("type").asText()).isEqualTo(e.event());
        }
        JsonNode start = ev.get(0).json().path("message");
        assertThat(start.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(start.path("content").size()).isZero();
        assertThat(start.path("stop_reason").isNull()).isTrue();
        assertThat(start.path("usage").path("input_tokens").asInt()).isPositive();
        assertThat(ev.get(1).json().path("content_block").path("type").asText()).isEqualTo("text");
        StringBuilder text = new StringBuilder();
        for (int i = 3; i < 6; i++) {
            JsonNode d = ev.get(i).json();
            assertThat(d.path("index").asInt()).isZero();
            assertThat(d.path("delta").path("type").asText()).isEqualTo("text_delta");
            text.append(d.path("delta").path("text").asText());
        }
        assertThat(text.toString()).isEqualTo("Hello from claude-sonnet-4-5. ");
        JsonNode delta = ev.get(7).json();
        assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void validation() {
        HttpResponse<String> r = Http.post(url, "{\"model\":\"claude-haiku-4-5\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode j = Http.json(r.body());
        assertThat(j.path("type").asText()).isEqualTo("error");
        assertThat(j.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(j.path("error").path("message").asText()).isEqualTo("max_tokens: Field required");

        r = Http.post(url, "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10,\"messages\":[]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");

        r = Http.post(url, body("claude-haiku-4-5", "hi", ",\"fallback\":{\"models\":[]}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .isEqualTo("fallback: Extra inputs are not permitted");

        r = Http.post(url, body("claude-haiku-4-5", "hi", ""), java.util.Map.of("x-switchyard-user", "u1"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("type").asText()).isEqualTo("error");

        String system = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\","
                + "\"content\":\"x\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(Http.post(url, system).statusCode()).isEqualTo(400);
    }

    @Test
    void metadataOnlyUserId() {
        HttpResponse<String> r = Http.post(url, body("claude-haiku-4-5", "hi",
                ",\"metadata\":{\"user_id\":\"u1\",\"language\":\"es\"}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .isEqualTo("metadata.language: Extra inputs are not permitted");
        assertThat(Http.post(url, body("claude-haiku-4-5", "hi", ",\"metadata\":{\"user_id\":\"u1\"}")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void temperatureWithTopPOnNewModels() {
        String both = ",\"temperature\":0.5,\"top_p\":0.9";
        HttpResponse<String> r = Http.post(url, body("claude-haiku-4-5", "hi", both));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText())
                .contains("`temperature` and `top_p` cannot both be specified");
        assertThat(Http.post(url, body("claude-sonnet-4-5-20250929", "hi", both)).statusCode()).isEqualTo(400);
        assertThat(Http.post(url, body("claude-3-5-haiku-latest", "hi", both)).statusCode()).isEqualTo(200);
        assertThat(Http.post(url, body("claude-haiku-4-5", "hi", ",\"temperature\":0.5")).statusCode())
                .isEqualTo(200);
        assertThat(Http.post(url, body("claude-haiku-4-5", "hi", ",\"temperature\":1.5")).statusCode())
                .isEqualTo(400);
    }

    static final String TOOLS = ",\"tools\":[{\"name\":\"search\",\"description\":\"Search\",\"input_schema\":"
            + "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}}]";

    @Test
    void streamedToolUse() {
        Http.Stream2 s = Http.stream(url, body("claude-haiku-4-5", "Find llamas [[mock:tool]]",
                TOOLS + ",\"stream\":true"));
        List<Http.Event> ev = s.events();
        assertThat(ev.get(0).event()).isEqualTo("message_start");
        JsonNode block = ev.get(1).json().path("content_block");
        assertThat(block.path("type").asText()).isEqualTo("tool_use");
        assertThat(block.path("id").asText()).startsWith("toolu_");
        assertThat(block.path("name").asText()).isEqualTo("search");
        StringBuilder json = new StringBuilder();
        int fragments = 0;
        for (Http.Event e : ev) {
            if (e.event().equals("content_block_delta")) {
                JsonNode d = e.json().path("delta");
                assertThat(d.path("type").asText()).isEqualTo("input_json_delta");
                json.append(d.path("partial_json").asText());
                fragments++;
            }
        }
        assertThat(fragments).isGreaterThanOrEqualTo(2);
        assertThat(Http.json(json.toString()).path("query").asText()).isEqualTo("Find llamas");
        Http.Event delta = ev.get(ev.size() - 2);
        assertThat(delta.event()).isEqualTo("message_delta");
        assertThat(delta.json().path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(ev.get(ev.size() - 1).event()).isEqualTo("message_stop");
    }

    @Test
    void toolChoiceAndToolResult() {
        JsonNode j = Http.json(Http.post(url, body("claude-haiku-4-5", "Find llamas",
                TOOLS + ",\"tool_choice\":{\"type\":\"any\"}")).body());
        assertThat(j.path("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode use = j.path("content").get(0);
        assertThat(use.path("type").asText()).isEqualTo("tool_use");
        assertThat(use.path("input").path("query").asText()).isEqualTo("Find llamas");

        String b = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Find llamas [[mock:tool]]\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"search\","
                + "\"input\":{\"query\":\"llamas\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                + "\"content\":\"3 llamas found\"}]}]" + TOOLS + "}";
        j = Http.json(Http.post(url, b).body());
        assertThat(j.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(j.path("content").get(0).path("text").asText()).startsWith("Tool said: 3 llamas found");

        String orphan = b.replace("\"tool_use_id\":\"toolu_1\"", "\"tool_use_id\":\"toolu_2\"");
        HttpResponse<String> r = Http.post(url, orphan);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r.body()).path("error").path("message").asText()).contains("tool_use_id");
    }
}
