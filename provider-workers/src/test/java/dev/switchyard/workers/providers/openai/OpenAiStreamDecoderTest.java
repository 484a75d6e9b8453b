package dev.switchyard.workers.providers.openai;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.RecordingListener;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.providers.http.SseEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiStreamDecoderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 100_000})
    void decodesTextFinishAndUsageWithCachedTokensWhateverTheNetworkPieces(int pieceSize) {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = RecordingListener.decode("/golden/openai-text.sse", decoder, pieceSize);

        assertThat(out.failure).isNull();
        assertThat(out.completed).isTrue();
        assertThat(out.text()).isEqualTo("Hello wörld ☃");
        assertThat(out.modelName()).isEqualTo("gpt-5.2-2025-12-11");
        assertThat(out.finishReason()).isEqualTo("stop");
        Usage usage = out.usage();
        assertThat(usage.getInputTokens()).isEqualTo(2006 - 1920);
        assertThat(usage.getCacheReadTokens()).isEqualTo(1920);
        assertThat(usage.getOutputTokens()).isEqualTo(300);
        assertThat(usage.getReasoningTokens()).isEqualTo(128);
        assertThat(usage.getCacheWriteTokens()).isZero();
    }

    @Test
    void decodesToolCallFragments() {
        RecordingListener out = RecordingListener.decode("/golden/openai-tool-call.sse", new OpenAiStreamDecoder(), 13);

        assertThat(out.completed).isTrue();
        ToolCallDelta first = out.toolCalls().get(0);
        assertThat(first.getIndex()).isZero();
        assertThat(first.getId()).isEqualTo("call_DdmO9pD3xa9XTPNJ32zg2hcA");
        assertThat(first.getName()).isEqualTo("get_weather");
        assertThat(out.arguments(0)).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(out.toolCalls()).filteredOn(t -> t.getIndex() == 1).first()
                .satisfies(t -> assertThat(t.getName()).isEqualTo("get_time"));
        assertThat(out.arguments(1)).isEqualTo("{}");
        assertThat(out.finishReason()).isEqualTo("tool_calls");
        assertThat(out.usage().getInputTokens()).isEqualTo(82);
    }

    @Test
    void aToolCallThatTheHostEndsWithStopEndsWithToolCalls() {
        // OpenAI's answer to a named tool_choice: the call, then finish_reason "stop".
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = new RecordingListener();
        decoder.onEvent(new SseEvent(null, "{\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "\"finish_reason\":null}]}"), out);
        decoder.onEvent(new SseEvent(null, "{\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"), out);
        assertThat(out.finishReason()).isEqualTo("tool_calls");

        RecordingListener text = new RecordingListener();
        new OpenAiStreamDecoder().onEvent(new SseEvent(null,
                "{\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}"), text);
        assertThat(text.finishReason()).as("no tool call: stop stays stop").isEqualTo("stop");
    }

    @Test
    void decodesReasoningContentAndDeepSeekCacheHits() {
        RecordingListener out = RecordingListener.decode("/golden/deepseek-reasoning.sse", new OpenAiStreamDecoder(), 50);

        assertThat(out.reasoning()).isEqualTo("Let me think");
        assertThat(out.text()).isEqualTo("42");
        assertThat(out.usage().getInputTokens()).isEqualTo(4);
        assertThat(out.usage().getCacheReadTokens()).isEqualTo(6);
        assertThat(out.usage().getReasoningTokens()).isEqualTo(15);
    }

    @Test
    void anErrorChunkIsAFailureWithTheProvidersDetails() {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = new RecordingListener();
        decoder.onEvent(new SseEvent(null, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"), out);

        assertThat(out.failure.kind()).isEqualTo(UpstreamFailure.Kind.HTTP);
        assertThat(out.failure.status()).isEqualTo(500);
        assertThat(out.failure.type()).isEqualTo("server_error");
        assertThat(out.failure.message()).isEqualTo("The server had an error");
        assertThat(decoder.isComplete()).isFalse();
    }

    @Test
    void aStreamWithoutDoneIsOnlyAcceptedAfterAFinishReason() {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = new RecordingListener();
        decoder.onEvent(new SseEvent(null, "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}"), out);
        assertThat(decoder.acceptsEndOfBody()).isFalse();
        decoder.onEvent(new SseEvent(null, "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}"), out);
        assertThat(decoder.acceptsEndOfBody()).isTrue();
        assertThat(out.finishReason()).isEqualTo("length");
    }

    @Test
    void readsOnlyTheFirstChoiceAndSkipsFieldsItDoesNotKnow() {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = new RecordingListener();
        decoder.onEvent(new SseEvent(null, "{\"id\":\"c1\",\"system_fingerprint\":null,\"extra\":{\"a\":[1,{\"b\":2}]},"
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"first\",\"annotations\":[]},"
                + "\"logprobs\":null,\"finish_reason\":null},{\"index\":1,\"delta\":{\"content\":\"second\"}}],\"model\":\"m\"}"), out);

        assertThat(out.text()).isEqualTo("first");
        assertThat(out.deltas).singleElement().satisfies(d -> assertThat(d.modelName()).isEqualTo("m"));
        assertThat(out.failure).isNull();
    }

    @Test
    void aTruncatedEventIsABrokenStream() {
        OpenAiStreamDecoder decoder = new OpenAiStreamDecoder();
        RecordingListener out = new RecordingListener();
        decoder.onEvent(new SseEvent(null, "{\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi"), out);

        assertThat(out.failure.kind()).isEqualTo(UpstreamFailure.Kind.STREAM_BROKEN);
        assertThat(out.deltas).isEmpty();
    }
}
