package dev.switchyard.workers.providers.responses;

import dev.switchyard.events.Usage;
import dev.switchyard.workers.Json;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.RecordingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden Responses API streams (shaped after OpenAI's published event examples), fed in awkward network pieces. */
class ResponsesStreamDecoderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 65536})
    void decodesReasoningSummaryEncryptedContentTextAndUsage(int pieceSize) {
        RecordingListener out = RecordingListener.decode("/golden/responses-reasoning-text.sse", new ResponsesStreamDecoder(), pieceSize);

        assertThat(out.failure).isNull();
        assertThat(out.completed).isTrue();
        assertThat(out.modelName()).isEqualTo("gpt-5-codex");
        assertThat(out.reasoning()).isEqualTo("**Planning a greeting**\n\nKeep it short.");
        assertThat(out.deltas.stream().map(Delta::reasoningSignature).filter(s -> s != null)).containsExactly("gAAAAABor0Ay2K9cZQ==");
        assertThat(out.text()).isEqualTo("Hi there!");
        assertThat(out.finishReason()).isEqualTo("stop");
        Usage usage = out.usage();
        assertThat(usage.getInputTokens()).isEqualTo(1320 - 1024); // input_tokens includes the cached ones
        assertThat(usage.getCacheReadTokens()).isEqualTo(1024);
        assertThat(usage.getOutputTokens()).isEqualTo(85);
        assertThat(usage.getReasoningTokens()).isEqualTo(64);
    }

    @Test
    void decodesFunctionAndCustomToolCallsAsIndexedFragments() {
        RecordingListener out = RecordingListener.decode("/golden/responses-function-call.sse", new ResponsesStreamDecoder(), 13);

        assertThat(out.completed).isTrue();
        assertThat(out.toolCalls().get(0).getId()).isEqualTo("call_unLAR8MvFNptuiZK6K6HCy5k");
        assertThat(out.toolCalls().get(0).getName()).isEqualTo("get_weather");
        assertThat(out.arguments(0)).isEqualTo("{\"location\":\"Paris, France\"}");
        // A custom tool's raw input streams inside the internal {"input": "..."} arguments, escaped piece by piece.
        assertThat(Json.parse(out.arguments(1), "args").get("input").asText())
                .isEqualTo("*** Begin Patch\n*** Update File: \"a.txt\"\n*** End Patch");
        assertThat(out.toolCalls().stream().filter(t -> t.getIndex() == 1 && t.getName() != null).findFirst().orElseThrow().getName())
                .isEqualTo("apply_patch");
        assertThat(out.finishReason()).isEqualTo("tool_calls");
        assertThat(out.usage().getInputTokens()).isEqualTo(291);
    }

    @Test
    void anIncompleteResponseEndsWithLength() {
        RecordingListener out = RecordingListener.decode("/golden/responses-incomplete.sse", new ResponsesStreamDecoder(), 5);

        assertThat(out.completed).isTrue();
        assertThat(out.text()).isEqualTo("Once upon");
        assertThat(out.finishReason()).isEqualTo("length");
        assertThat(out.usage().getReasoningTokens()).isEqualTo(14);
    }

    @Test
    void aFailedResponseIsAFailure() {
        RecordingListener out = RecordingListener.decode("/golden/responses-failed.sse", new ResponsesStreamDecoder(), 100);

        assertThat(out.completed).isFalse();
        assertThat(out.failure.status()).isEqualTo(503);
        assertThat(out.failure.code()).isEqualTo("server_error");
        assertThat(out.failure.message()).isEqualTo("The model failed to generate a response.");
    }

    @Test
    void escapingPiecesOfRawTextConcatenatesToValidJson() {
        String escaped = ResponsesStreamDecoder.escape("a \"quoted\"\nline") + ResponsesStreamDecoder.escape("\\ tail\t");
        assertThat(Json.parse("{\"input\":\"" + escaped + "\"}", "x").get("input").asText()).isEqualTo("a \"quoted\"\nline\\ tail\t");
    }
}
