package dev.switchyard.ingress.openai;

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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OpenAiChatParserTest {
    private static final ModelCatalog CATALOG = ModelCatalog.builtIn();
    private static final RequestEnvelope ENVELOPE = new RequestEnvelope("req_1", Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:10:00Z"), new ReplyAddress("llm.replies", 3));
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private final OpenAiChatParser parser = new OpenAiChatParser(new ModelResolver(CATALOG));

    private ChatRequest parse(String body) {
        return parse(body, MultiMap.caseInsensitiveMultiMap());
    }

    private ChatRequest parse(String body, MultiMap headers) {
        return parser.parse(Json.parse(Buffer.buffer(body)), headers, ENVELOPE);
    }

    private ApiException rejection(String body) {
        return catchThrowableOfType(ApiException.class, () -> parse(body));
    }

    @Test
    void typedParametersBecomeFieldsAndTheRestGoesToExtra() {
        ChatRequest request = parse("{\"model\":\"gpt-5.2\"," + HELLO + ",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"max_completion_tokens\":64,\"temperature\":0.5,\"top_p\":1,"
                + "\"stop\":\"END\",\"seed\":7,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                + "\"tool_choice\":\"auto\",\"response_format\":{\"type\":\"json_object\"},\"logprobs\":true,"
                + "\"safety_identifier\":\"s-1\",\"user\":\"u-1\",\"metadata\":{\"tier\":\"pro\"},"
                + "\"fallback\":{\"models\":[\"anthropic/claude-haiku-4-5\"],\"ttft_timeout\":\"2s\"}}");

        assertThat(request.getModel()).isEqualTo("openai/gpt-5.2"); // the alias resolved to the catalog id
        assertThat(request.getProtocol()).isEqualTo(ClientProtocol.OPENAI_CHAT);
        assertThat(request.getRequestId()).isEqualTo("req_1");
        assertThat(request.getReplyTo().getPartition()).isEqualTo(3);
        assertThat(request.getStream()).isTrue();
        assertThat(request.getIncludeUsage()).isTrue();
        assertThat(request.getMaxTokens()).isEqualTo(64);
        assertThat(request.getTemperature()).isEqualTo(0.5);
        assertThat(request.getTopP()).isEqualTo(1.0);
        assertThat(request.getStop()).containsExactly("END");
        assertThat(request.getSeed()).isEqualTo(7L);
        assertThat(request.getToolsJson()).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");
        assertThat(request.getToolChoiceJson()).isEqualTo("\"auto\"");
        assertThat(request.getResponseFormatJson()).isEqualTo("{\"type\":\"json_object\"}");
        assertThat(request.getMessagesJson()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(request.getUserId()).isEqualTo("u-1");
        assertThat(request.getMetadata()).containsExactly(Map.entry("tier", "pro"));
        assertThat(request.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5");
        assertThat(request.getFallback().getTtftTimeoutMs()).isEqualTo(2000L);
        // Routing fields (metadata, fallback, user) never reach a provider; unknown fields do.
        assertThat(Json.parse(Buffer.buffer(request.getExtraJson())))
                .isEqualTo(Json.parse(Buffer.buffer("{\"logprobs\":true,\"safety_identifier\":\"s-1\"}")));
        assertThat(request.getDeadlineAt()).isEqualTo(ENVELOPE.deadlineAt());
        assertThat(request.getApiKeyId()).isNull();
    }

    @Test
    void toolRoundTripsParallelToolCallsAndReasoningEffortAreTyped() {
        ChatRequest request = parse("{\"model\":\"gpt-5.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}],"
                + "\"parallel_tool_calls\":false,\"reasoning_effort\":\"low\",\"n\":1,\"logprobs\":true,\"top_logprobs\":2}");

        assertThat(request.getParallelToolCalls()).isFalse();
        assertThat(request.getReasoning().getEffort()).isEqualTo("low");
        // reasoning_effort stays for OpenAI targets verbatim; n (1) and parallel_tool_calls have their own homes
        assertThat(Json.parse(Buffer.buffer(request.getExtraJson())))
                .isEqualTo(Json.parse(Buffer.buffer("{\"reasoning_effort\":\"low\",\"logprobs\":true,\"top_logprobs\":2}")));
    }

    @Test
    void otherGatewaysFallbackListsBecomeTheFallbackModelsAndNeverReachAProvider() {
        // OpenRouter: models in the order to try; without a model the first is the model.
        ChatRequest openRouter = parse("{\"models\":[\"openai/gpt-4o\",\"claude-haiku-4-5\",\"openai/gpt-4o\"]," + HELLO + "}");
        assertThat(openRouter.getModel()).isEqualTo("openai/gpt-4o");
        assertThat(openRouter.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5");
        assertThat(openRouter.getExtraJson()).isNull();

        // With a model as well, the list usually repeats it: it is tried once.
        ChatRequest both = parse("{\"model\":\"gpt-5.2\",\"models\":[\"gpt-5.2\",\"anthropic/claude-haiku-4-5\",\"gpt-4o\"]," + HELLO + "}");
        assertThat(both.getModel()).isEqualTo("openai/gpt-5.2");
        assertThat(both.getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5", "openai/gpt-4o");

        // LiteLLM's fallbacks (names) and OpenRouter's ({"model": ...}), next to the fallback object's other fields.
        ChatRequest fallbacks = parse("{\"model\":\"router/support\",\"fallbacks\":[\"gpt-4o\",{\"model\":\"anthropic/claude-haiku-4-5\"}],"
                + "\"fallback\":{\"ttft_timeout\":\"1s\"},\"logprobs\":true," + HELLO + "}");
        assertThat(fallbacks.getModel()).isEqualTo("router/support");
        assertThat(fallbacks.getFallback().getModels()).containsExactly("openai/gpt-4o", "anthropic/claude-haiku-4-5");
        assertThat(fallbacks.getFallback().getTtftTimeoutMs()).isEqualTo(1000L);
        assertThat(fallbacks.getExtraJson()).isEqualTo("{\"logprobs\":true}");

        // The fallback object's models are named like the model too.
        assertThat(parse("{\"model\":\"gpt-5.2\",\"fallback\":{\"models\":[\"claude-haiku-4-5\"]}," + HELLO + "}")
                .getFallback().getModels()).containsExactly("anthropic/claude-haiku-4-5");

        // A list of only the model itself names no fallback.
        assertThat(parse("{\"models\":[\"gpt-4o\"]," + HELLO + "}").getFallback()).isNull();
    }

    @Test
    void aMinimalRequestHasDefaultsAndNoExtra() {
        ChatRequest request = parse("{\"model\":\"router/support\"," + HELLO + "}");
        assertThat(request.getModel()).isEqualTo("router/support");
        assertThat(request.getStream()).isFalse();
        assertThat(request.getIncludeUsage()).isFalse();
        assertThat(request.getStop()).isEmpty();
        assertThat(request.getExtraJson()).isNull();
        assertThat(request.getMetadata()).isEmpty();
        assertThat(request.getUserId()).isNull();
        assertThat(request.getFallback()).isNull();
    }

    @Test
    void inworldRoutersAndFullIdsPassThrough() {
        assertThat(parse("{\"model\":\"inworld/abc\"," + HELLO + "}").getModel()).isEqualTo("inworld/abc");
        assertThat(parse("{\"model\":\"anthropic/claude-haiku-4-5\"," + HELLO + "}").getModel()).isEqualTo("anthropic/claude-haiku-4-5");
    }

    @Test
    void maxTokensAndStopArrays() {
        ChatRequest request = parse("{\"model\":\"gpt-5.2\"," + HELLO + ",\"max_tokens\":10,\"stop\":[\"a\",\"b\"]}");
        assertThat(request.getMaxTokens()).isEqualTo(10);
        assertThat(request.getStop()).containsExactly("a", "b");
    }

    @Test
    void stickyUserComesFromUserThenSafetyIdentifierThenHeader() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Switchyard-User", "header-user");
        assertThat(parse("{\"model\":\"gpt-5.2\"," + HELLO + ",\"user\":\"u\",\"safety_identifier\":\"s\"}", headers).getUserId()).isEqualTo("u");
        assertThat(parse("{\"model\":\"gpt-5.2\"," + HELLO + ",\"safety_identifier\":\"s\"}", headers).getUserId()).isEqualTo("s");
        assertThat(parse("{\"model\":\"gpt-5.2\"," + HELLO + "}", headers).getUserId()).isEqualTo("header-user");
    }

    @Test
    void onlyAnthropicHeadersAreForwardedNeverCredentials() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Authorization", "Bearer sk-secret")
                .add("anthropic-version", "2023-06-01")
                .add("anthropic-beta", "prompt-caching-2024-07-31")
                .add("x-api-key", "secret");
        ChatRequest request = parse("{\"model\":\"gpt-5.2\"," + HELLO + "}", headers);
        assertThat(request.getProviderHeaders()).containsOnly(
                Map.entry("anthropic-version", "2023-06-01"), Map.entry("anthropic-beta", "prompt-caching-2024-07-31"));
        assertThat(request.toString()).doesNotContain("sk-secret").doesNotContain("secret\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            messages missing            | {"model":"gpt-5.2"}                                                          | messages    | missing_required_parameter
            messages empty              | {"model":"gpt-5.2","messages":[]}                                            | messages    | empty_array
            messages not an array       | {"model":"gpt-5.2","messages":"hi"}                                          | messages    | invalid_type
            message not an object       | {"model":"gpt-5.2","messages":["hi"]}                                        | messages[0] | invalid_type
            message without role        | {"model":"gpt-5.2","messages":[{"content":"hi"}]}                            | messages[0].role | missing_required_parameter
            model missing               | {"messages":[{"role":"user","content":"hi"}]}                                | model       | missing_required_parameter
            model not a string          | {"model":5,"messages":[{"role":"user","content":"hi"}]}                      | model       | invalid_type
            stream not boolean          | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"stream":"yes"} | stream    | invalid_type
            temperature not number      | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"temperature":"hot"} | temperature | invalid_type
            top_p not number            | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"top_p":true}  | top_p       | invalid_type
            max_tokens not integer      | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"max_tokens":1.5} | max_tokens | invalid_type
            max_tokens below one        | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"max_tokens":0} | max_tokens | integer_below_min_value
            stop of numbers             | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"stop":[1]}    | stop        | invalid_type
            seed not integer            | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"seed":"x"}    | seed        | invalid_type
            tools not array             | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"tools":{}}    | tools       | invalid_type
            response_format not object  | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"response_format":"json"} | response_format | invalid_type
            stream_options not object   | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"stream_options":true} | stream_options | invalid_type
            include_usage not boolean   | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":1}} | stream_options.include_usage | invalid_type
            metadata not object         | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"metadata":[1]} | metadata  | invalid_type
            user not string             | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"user":42}     | user        | invalid_type
            fallback unknown model      | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallback":{"models":["nope/x"]}} | fallback.models[0] | invalid_value
            fallback not object         | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallback":"x"} | fallback  | invalid_value
            models not an array         | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"models":"gpt-4o"} | models | invalid_value
            models naming a router      | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"models":["router/x"]} | models[0] | invalid_value
            models of nothing, no model | {"models":[],"messages":[{"role":"user","content":"hi"}]}                    | model       | missing_required_parameter
            fallbacks unknown model     | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallbacks":["nope/x"]} | fallbacks[0] | invalid_value
            fallbacks with overrides    | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallbacks":[{"model":"gpt-4o","temperature":1}]} | fallbacks[0] | invalid_value
            fallbacks entry not a name  | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallbacks":[{"model":4}]} | fallbacks[0].model | invalid_value
            models and fallback.models  | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"fallback":{"models":["openai/gpt-4o"]},"models":["gpt-4o"]} | models | invalid_value
            models and fallbacks        | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"models":["gpt-4o"],"fallbacks":["gpt-4o"]} | fallbacks | invalid_value
            router without id           | {"model":"router/","messages":[{"role":"user","content":"hi"}]}              | model       | invalid_value
            n above one                 | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"n":3}         | n           | unsupported_value
            tool without a type         | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"tools":[{"function":{"name":"f"}}]} | tools[0].type | missing_required_parameter
            function without a name     | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{}}]} | tools[0].function.name | missing_required_parameter
            tool result without a call  | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_x","content":"r"}]} | messages[1].role |
            tool result without an id   | {"model":"gpt-5.2","messages":[{"role":"tool","content":"r"}]}                | messages[0].tool_call_id | missing_required_parameter
            unknown response format     | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}} | response_format.type | invalid_value
            json schema without a name  | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{}}} | response_format.json_schema.name | missing_required_parameter
            parallel_tool_calls not boolean | {"model":"gpt-5.2","messages":[{"role":"user","content":"hi"}],"parallel_tool_calls":"no"} | parallel_tool_calls | invalid_type
            """)
    void badInputIsA400NamingTheParameter(String name, String body, String param, String code) {
        ApiException e = rejection(body);
        assertThat(e).as(name).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).isNotBlank();
        JsonNode shape = OpenAiJson.error(e);
        assertThat(shape.get("error").get("param").asText()).isEqualTo(param);
        assertThat(shape.get("error").fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
    }

    @Test
    void malformedJsonIsA400InOpenAisShape() {
        ApiException e = catchThrowableOfType(ApiException.class, () -> Json.parse(Buffer.buffer("{\"model\": ")));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(Json.write(OpenAiJson.error(e))).startsWith("{\"error\":{\"message\":\"We could not parse the JSON body");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() {
        ApiException e = rejection("[1,2]");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("JSON object");
    }

    @Test
    void anUnknownDirectModelIsA404ModelNotFound() {
        ApiException e = rejection("{\"model\":\"nope/unknown-model\"," + HELLO + "}");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.code()).isEqualTo("model_not_found");
        assertThat(e.param()).isEqualTo("model");
    }

    @Test
    void theShapeIsCheckedBeforeTheModel() {
        assertThat(rejection("{\"model\":\"nope/unknown-model\",\"messages\":[]}").status()).isEqualTo(400);
    }

    @Test
    void nullOptionalParametersCountAsAbsent() {
        ChatRequest request = parse("{\"model\":\"gpt-5.2\"," + HELLO + ",\"temperature\":null,\"stream\":null,\"stop\":null}");
        assertThat(request.getTemperature()).isNull();
        assertThat(request.getStream()).isFalse();
        assertThat(request.getStop()).isEqualTo(List.of());
    }
}
