package dev.switchyard.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchyard.events.ReplyError;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.Chunks.tool;
import static dev.switchyard.ingress.Chunks.usage;
import static org.assertj.core.api.Assertions.assertThat;

/** The Responses API's streaming event sequence as OpenAI documents it, and the response object. */
class ResponsesResponderTest {
    private static final String ID = "req_abc";
    private static final JsonNode REQUEST = Json.parse(Buffer.buffer(
            "{\"model\":\"router/coding\",\"instructions\":\"Be brief.\",\"tools\":[{\"type\":\"custom\",\"name\":\"apply_patch\"}],"
                    + "\"reasoning\":{\"effort\":\"low\"}}"));

    private static List<JsonNode> events(String sse) {
        List<JsonNode> events = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String[] lines = block.split("\n");
            JsonNode data = Json.parse(Buffer.buffer(lines[1].substring("data: ".length())));
            assertThat(lines[0]).isEqualTo("event: " + data.get("type").asText());
            events.add(data);
        }
        return events;
    }

    @Test
    void aStreamIsTheDocumentedEventSequenceWithSequenceNumbers() {
        ResponsesResponder responder = new ResponsesResponder(true, ID, 1_700_000_000L, "router/coding", REQUEST,
                Set.of("apply_patch"), model -> model.equals("openai/gpt-5.2-codex"));
        String sse = responder.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-5.2-codex").setModelName("gpt-5.2-codex").setReasoning("Plan").build())
                + responder.onChunk(chunk(ID, "w-1", 1).setReasoningSignature("gAAAA").build())
                + responder.onChunk(chunk(ID, "w-1", 2).setText("Done.").build())
                + responder.onChunk(chunk(ID, "w-1", 3).setToolCalls(List.of(tool(0, "call_1", "shell", "{\"command\":"))).build())
                + responder.onChunk(chunk(ID, "w-1", 4).setToolCalls(List.of(tool(0, null, null, "[\"ls\"]}"))).build())
                + responder.onChunk(chunk(ID, "w-1", 5).setToolCalls(List.of(tool(1, "call_2", "apply_patch", "{\"input\":\"*** Begin"))).build())
                + responder.onChunk(chunk(ID, "w-1", 6).setToolCalls(List.of(tool(1, null, null, " Patch\"}"))).build())
                + responder.onChunk(last(ID, "w-1", 7, "tool_calls", usage(100, 20, 50, 0, 8), List.of()))
                + responder.finish();
        List<JsonNode> events = events(sse);

        assertThat(events.stream().map(e -> e.get("type").asText())).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.output_item.added", "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
                "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(events.get(0).at("/response/status").asText()).isEqualTo("in_progress");
        assertThat(events.get(0).at("/response/id").asText()).isEqualTo("resp_abc");
        assertThat(events.get(7).at("/item/encrypted_content").asText()).isEqualTo("gAAAA");
        assertThat(events.get(7).at("/item/summary/0/text").asText()).isEqualTo("Plan");
        assertThat(events.get(18).at("/item/arguments").asText()).isEqualTo("{\"command\":[\"ls\"]}");
        assertThat(events.get(21).get("input").asText()).isEqualTo("*** Begin Patch");
        assertThat(events.get(22).at("/item/type").asText()).isEqualTo("custom_tool_call");
        JsonNode completed = events.get(23).get("response");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.get("model").asText()).isEqualTo("gpt-5.2-codex");
        assertThat(completed.get("output")).hasSize(4);
        assertThat(completed.get("instructions").asText()).isEqualTo("Be brief.");
        assertThat(completed.at("/usage/input_tokens").asLong()).isEqualTo(150); // cached tokens are part of the input
        assertThat(completed.at("/usage/input_tokens_details/cached_tokens").asLong()).isEqualTo(50);
        assertThat(completed.at("/usage/output_tokens_details/reasoning_tokens").asLong()).isEqualTo(8);
        assertThat(completed.at("/usage/total_tokens").asLong()).isEqualTo(170);
    }

    @Test
    void aNonStreamedAnswerIsOneResponseAndACutOneIsIncomplete() {
        ResponsesResponder responder = new ResponsesResponder(false, ID, 1L, "gpt-5.2", REQUEST, Set.of(), model -> false);
        assertThat(responder.onChunk(chunk(ID, "w-1", 0).setModelId("anthropic/claude-sonnet-4-5").setReasoning("x").build())).isEmpty();
        responder.onChunk(chunk(ID, "w-1", 1).setReasoningSignature("anthropic-signature").build());
        responder.onChunk(chunk(ID, "w-1", 2).setText("Once upon").build());
        responder.onChunk(last(ID, "w-1", 3, "length", usage(5, 16, 0, 0, 0), List.of()));
        JsonNode response = Json.parse(Buffer.buffer(responder.finish()));

        assertThat(response.get("object").asText()).isEqualTo("response");
        assertThat(response.get("status").asText()).isEqualTo("incomplete");
        assertThat(response.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
        assertThat(response.at("/output/0/type").asText()).isEqualTo("reasoning");
        assertThat(response.at("/output/0").has("encrypted_content")).isFalse(); // not a Responses model's: OpenAI could not verify it
        assertThat(response.at("/output/1/content/0/text").asText()).isEqualTo("Once upon");
    }

    @Test
    void errorsAreOpenAisShapeAndAFailedEventAfterBytes() {
        ResponsesResponder responder = new ResponsesResponder(true, ID, 1L, "gpt-5.2", REQUEST, Set.of(), model -> true);
        responder.onChunk(chunk(ID, "w-1", 0).setModelId("openai/gpt-5.2").setText("Hi").build());
        JsonNode failed = events(responder.errorEvent(new ReplyError(502, "upstream_error", "stream_interrupted", null, "broke", null))).get(0);
        assertThat(failed.get("type").asText()).isEqualTo("response.failed");
        assertThat(failed.at("/response/status").asText()).isEqualTo("failed");
        assertThat(failed.at("/response/error/code").asText()).isEqualTo("stream_interrupted");
        assertThat(responder.errorBody(new ReplyError(404, "invalid_request_error", "model_not_found", "model", "nope", null)))
                .isEqualTo("{\"error\":{\"message\":\"nope\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}}");
    }
}
