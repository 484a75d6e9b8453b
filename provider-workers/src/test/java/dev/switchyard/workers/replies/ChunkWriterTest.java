package dev.switchyard.workers.replies;

import dev.switchyard.events.Attempt;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.TestRequests;
import dev.switchyard.workers.providers.Delta;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** How deltas become reply records: a manual clock and timers stand in for the event loop. */
class ChunkWriterTest {
    private static final ChunkWriter.Header HEADER = new ChunkWriter.Header("openai/gpt-4o-mini", "gpt-4o-mini", "r", "route", "a");

    private final List<ReplyChunk> sent = new ArrayList<>();
    private final ReplySink sink = new ReplySink() {
        @Override
        public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
            sent.add(chunk);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> completion(Completion completion) {
            return CompletableFuture.completedFuture(null);
        }
    };
    private long nowNanos = 1_000_000_000L;
    private long nextTimerId;
    private final TreeMap<Long, Runnable> timers = new TreeMap<>();
    private final Coalescing.Timers manualTimers = new Coalescing.Timers() {
        @Override
        public long schedule(long delayMs, Runnable task) {
            timers.put(nextTimerId, task);
            return nextTimerId++;
        }

        @Override
        public void cancel(long id) {
            timers.remove(id);
        }
    };
    private final Coalescing fiveMs = new Coalescing(5, 1_000, manualTimers, () -> nowNanos);

    @Test
    void aBurstOfDeltasBecomesTheFirstDeltaAloneThenOneFinalRecord() {
        ChunkWriter writer = writer(true, fiveMs);
        for (int i = 0; i < 20; i++) {
            writer.content(Delta.text("t" + i + " "), () -> HEADER, List::of);
        }
        writer.finish("stop", usage(), HEADER, List.of());

        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getText()).isEqualTo("t0 ");
        assertThat(sent.get(0).getSeq()).isZero();
        assertThat(sent.get(0).getModelId()).isEqualTo("openai/gpt-4o-mini"); // the header rides on seq 0
        assertThat(sent.get(1).getText()).startsWith("t1 t2 ").endsWith("t19 ");
        assertThat(sent.get(1).getFinal$()).isTrue();
        assertThat(sent.get(1).getSeq()).isEqualTo(1);
        assertThat(text(sent)).isEqualTo(expectedText(20));
    }

    @Test
    void anAnswerWithAChunkThatWasNotPublishedIsNotAcknowledgedThoughLaterChunksWere() {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        ChunkWriter writer = new ChunkWriter(ackedBy(acks), TestRequests.hello().setStream(true).build(), "att-1", 0, Coalescing.OFF);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        writer.content(Delta.text("b"), () -> HEADER, List::of);
        CompletableFuture<Void> answered = writer.finish("stop", usage(), HEADER, List.of());
        assertThat(acks).hasSize(3);

        acks.get(0).complete(null);
        acks.get(1).completeExceptionally(new IllegalStateException("the record is too large"));
        acks.get(2).complete(null);

        // The client would wait on seq 1 forever: the request must not count as answered (and be committed).
        assertThat(answered).isCompletedExceptionally();
    }

    @Test
    void anAnswerIsAcknowledgedOnceItsLastChunkIs() {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        ChunkWriter writer = new ChunkWriter(ackedBy(acks), TestRequests.hello().setStream(true).build(), "att-1", 0, Coalescing.OFF);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        CompletableFuture<Void> answered = writer.finish("stop", usage(), HEADER, List.of());
        acks.get(0).complete(null);
        assertThat(answered).isNotDone();
        acks.get(1).complete(null);
        assertThat(answered).isCompleted();
    }

    @Test
    void bufferedDeltasGoOutWhenTheWindowHasPassed() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        advanceMs(1);
        writer.content(Delta.text("b"), () -> HEADER, List::of);
        writer.content(Delta.text("c"), () -> HEADER, List::of);
        assertThat(sent).hasSize(1);
        assertThat(timers).hasSize(1); // one flush scheduled, not one per delta

        advanceMs(4);
        fireTimers();
        assertThat(sent).extracting(ReplyChunk::getText).containsExactly("a", "bc");
    }

    @Test
    void deltasSlowerThanTheWindowGoOutAsTheyComeWithoutTimers() {
        ChunkWriter writer = writer(true, fiveMs);
        for (int i = 0; i < 5; i++) {
            writer.content(Delta.text("t" + i + " "), () -> HEADER, List::of);
            advanceMs(15);
        }
        assertThat(sent).hasSize(5);
        assertThat(timers).isEmpty();
        assertThat(sent).extracting(ReplyChunk::getSeq).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aNonStreamingAnswerTravelsInTheFinalRecordAlone() {
        ChunkWriter writer = writer(false, fiveMs);
        for (int i = 0; i < 20; i++) {
            writer.content(Delta.text("t" + i + " "), () -> HEADER, List::of);
            advanceMs(15);
        }
        assertThat(sent).isEmpty();
        assertThat(writer.started()).isTrue();
        writer.finish("stop", usage(), HEADER, List.of());

        assertThat(sent).hasSize(1);
        ReplyChunk only = sent.get(0);
        assertThat(only.getSeq()).isZero();
        assertThat(only.getModelId()).isEqualTo("openai/gpt-4o-mini");
        assertThat(only.getText()).isEqualTo(expectedText(20));
        assertThat(only.getFinal$()).isTrue();
    }

    @Test
    void aLargeBufferGoesOutBeforeItOutgrowsARecord() {
        ChunkWriter writer = writer(false, fiveMs);
        String piece = "x".repeat(300);
        for (int i = 0; i < 4; i++) {
            writer.content(Delta.text(piece), () -> HEADER, List::of);
        }
        assertThat(sent).hasSize(1); // 1,200 characters passed the 1,000 limit
        assertThat(sent.get(0).getText()).hasSize(1_200);
    }

    @Test
    void partsAreNeverReordered() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("first"), () -> HEADER, List::of);
        writer.content(Delta.reasoning("think"), () -> HEADER, List::of);
        writer.content(Delta.reasoning(" more"), () -> HEADER, List::of);
        writer.content(Delta.reasoningSignature("sig"), () -> HEADER, List::of);
        writer.content(Delta.text("answer"), () -> HEADER, List::of);
        writer.content(Delta.reasoning("again"), () -> HEADER, List::of);
        writer.finish("stop", usage(), HEADER, List.of());

        // text -> reasoning needs a new record; reasoning, signature, text may share one; reasoning after text may not.
        assertThat(sent).hasSize(3);
        assertThat(sent.get(1).getReasoning()).isEqualTo("think more");
        assertThat(sent.get(1).getReasoningSignature()).isEqualTo("sig");
        assertThat(sent.get(1).getText()).isEqualTo("answer");
        assertThat(sent.get(2).getReasoning()).isEqualTo("again");
        assertThat(sent.get(2).getText()).isNull();
    }

    @Test
    void toolCallFragmentsOfOneCallAreJoined() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("Let me look."), () -> HEADER, List::of);
        writer.content(Delta.toolCall(0, "call_1", "lookup", ""), () -> HEADER, List::of);
        writer.content(Delta.toolCall(0, null, null, "{\"q\":"), () -> HEADER, List::of);
        writer.content(Delta.toolCall(0, null, null, "\"x\"}"), () -> HEADER, List::of);
        writer.content(Delta.toolCall(1, "call_2", "lookup", "{}"), () -> HEADER, List::of);
        writer.finish("tool_calls", usage(), HEADER, List.of());

        assertThat(sent).hasSize(2);
        ReplyChunk last = sent.get(1);
        assertThat(last.getToolCalls()).hasSize(2);
        assertThat(last.getToolCalls().get(0).getId()).isEqualTo("call_1");
        assertThat(last.getToolCalls().get(0).getArguments()).isEqualTo("{\"q\":\"x\"}");
        assertThat(last.getToolCalls().get(1).getId()).isEqualTo("call_2");
        assertThat(last.getFinishReason()).isEqualTo("tool_calls");
    }

    @Test
    void anErrorFlushesWhatTheClientWasOwedFirst() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        writer.content(Delta.text("b"), () -> HEADER, List::of);
        writer.error(new ReplyError(502, "upstream_error", "stream_interrupted", null, "broke", null), HEADER, List.of());

        assertThat(sent).hasSize(3);
        assertThat(sent.get(1).getText()).isEqualTo("b");
        assertThat(sent.get(2).getError().getStatus()).isEqualTo(502);
        assertThat(timers).isEmpty();
    }

    @Test
    void discardDropsTheBufferAndItsTimer() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        writer.content(Delta.text("b"), () -> HEADER, List::of);
        writer.discard();
        fireTimers();
        assertThat(sent).hasSize(1);
    }

    @Test
    void withCoalescingOffEveryDeltaIsItsOwnRecord() {
        ChunkWriter writer = writer(false, Coalescing.OFF);
        for (int i = 0; i < 3; i++) {
            writer.content(Delta.text("t" + i + " "), () -> HEADER, List::of);
        }
        writer.finish("stop", usage(), HEADER, List.of());
        assertThat(sent).hasSize(4);
        assertThat(sent.get(3).getText()).isNull();
    }

    @Test
    void logprobsStayWithTheirOwnDelta() {
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.text("a"), () -> HEADER, List::of);
        writer.content(Delta.text("b"), () -> HEADER, List::of);
        writer.content(new Delta("c", null, null, null, null, null, null, "[{\"token\":\"c\"}]"), () -> HEADER, List::of);
        assertThat(sent).extracting(ReplyChunk::getText).containsExactly("a", "b", "c");
        assertThat(sent.get(2).getLogprobsJson()).contains("\"c\"");
    }

    @Test
    void anthropicsOwnPartsTravelAsTheyCame() {
        Usage atStart = new Usage(312L, 3L, 4096L, 0L, 0L);
        ChunkWriter.Header header = new ChunkWriter.Header("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", "r", "route", "a", atStart);
        ChunkWriter writer = writer(true, fiveMs);
        writer.content(Delta.nativeBlock("{\"type\":\"redacted_thinking\",\"data\":\"d\"}"), () -> header, List::of);
        writer.content(Delta.text("a"), () -> header, List::of);
        writer.content(Delta.nativeBlock("{\"type\":\"redacted_thinking\",\"data\":\"e\"}"), () -> header, List::of);
        writer.content(Delta.text("b"), () -> header, List::of);
        writer.finish("stop", "stop_sequence", "\n\nHuman:", usage(), header, List.of());

        assertThat(sent).extracting(ReplyChunk::getNativeBlockJson).as("a native block is never merged")
                .containsExactly("{\"type\":\"redacted_thinking\",\"data\":\"d\"}", null,
                        "{\"type\":\"redacted_thinking\",\"data\":\"e\"}", null);
        assertThat(text(sent)).isEqualTo("ab");
        assertThat(sent.get(0).getUsage()).as("the input usage known up front rides on seq 0").isEqualTo(atStart);
        assertThat(sent.get(1).getUsage()).isNull();
        ReplyChunk last = sent.get(sent.size() - 1);
        assertThat(last.getFinishReason()).isEqualTo("stop");
        assertThat(last.getStopReason()).isEqualTo("stop_sequence");
        assertThat(last.getStopSequence()).isEqualTo("\n\nHuman:");
        assertThat(last.getUsage()).isEqualTo(usage());
    }

    /** A sink whose acknowledgements the test completes, in {@code acks} in the order the chunks were sent. */
    private static ReplySink ackedBy(List<CompletableFuture<Void>> acks) {
        return new ReplySink() {
            @Override
            public CompletableFuture<Void> chunk(ReplyAddress to, ReplyChunk chunk) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                acks.add(ack);
                return ack;
            }

            @Override
            public CompletableFuture<Void> completion(Completion completion) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    private ChunkWriter writer(boolean stream, Coalescing coalescing) {
        ChatRequest request = TestRequests.hello().setStream(stream).build();
        return new ChunkWriter(sink, request, "w-1", 1, coalescing);
    }

    private void advanceMs(long ms) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private void fireTimers() {
        List<Runnable> due = new ArrayList<>(timers.values());
        timers.clear();
        due.forEach(Runnable::run);
    }

    private static Usage usage() {
        return Usage.newBuilder().setInputTokens(10).setOutputTokens(20).build();
    }

    private static String text(List<ReplyChunk> chunks) {
        StringBuilder out = new StringBuilder();
        chunks.forEach(c -> out.append(c.getText() == null ? "" : c.getText()));
        return out.toString();
    }

    private static String expectedText(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("t").append(i).append(' ');
        }
        return out.toString();
    }
}
