package dev.switchyard.ingress.replies;

import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.switchyard.ingress.Chunks.chunk;
import static dev.switchyard.ingress.Chunks.text;
import static org.assertj.core.api.Assertions.assertThat;

class ReplyAssemblerTest {

    /** Records what reaches the client; {@code canDiscard} says whether delivered text may still be thrown away. */
    private static final class Recorder implements ReplyAssembler.Sink {
        final List<String> delivered = new ArrayList<>();
        final List<String> discarded = new ArrayList<>();
        ReplyError error;
        boolean canDiscard;

        @Override
        public void deliver(ReplyChunk chunk) {
            delivered.add(chunk.getAttemptId() + "#" + chunk.getSeq() + (chunk.getText() == null ? "" : ":" + chunk.getText()));
        }

        @Override
        public boolean discardAttempt(String oldAttemptId, String newAttemptId) {
            discarded.add(oldAttemptId + "->" + newAttemptId);
            if (canDiscard) {
                delivered.clear();
            }
            return canDiscard;
        }

        @Override
        public void interrupted(ReplyError error) {
            this.error = error;
        }
    }

    private final Recorder sink = new Recorder();
    private final ReplyAssembler assembler = new ReplyAssembler(sink);

    @Test
    void deliversInOrderOnce() {
        assembler.accept(text("r", "a", 0, "He"));
        assembler.accept(text("r", "a", 1, "llo"));
        assembler.accept(text("r", "a", 1, "llo")); // duplicate
        assembler.accept(text("r", "a", 0, "He"));  // duplicate of an older one
        assembler.accept(chunk("r", "a", 2).setFinal$(true).build());

        assertThat(sink.delivered).containsExactly("a#0:He", "a#1:llo", "a#2");
        assertThat(assembler.closed()).isTrue();
    }

    @Test
    void buffersOutOfOrderChunksUntilTheGapFills() {
        assembler.accept(text("r", "a", 2, "c"));
        assembler.accept(text("r", "a", 1, "b"));
        assertThat(sink.delivered).isEmpty();
        assembler.accept(text("r", "a", 2, "c")); // duplicate of a buffered one
        assembler.accept(text("r", "a", 0, "a"));

        assertThat(sink.delivered).containsExactly("a#0:a", "a#1:b", "a#2:c");
    }

    @Test
    void aSecondAttemptAfterDeliveredBytesEndsWithAnExplicitError() {
        assembler.accept(text("r", "worker1-1", 0, "Hel"));
        assembler.accept(text("r", "worker2-1", 0, "Bonjour"));
        assembler.accept(text("r", "worker2-1", 1, " tout"));
        assembler.accept(text("r", "worker1-1", 1, "lo"));

        assertThat(sink.delivered).containsExactly("worker1-1#0:Hel"); // never spliced
        assertThat(sink.error).isNotNull();
        assertThat(sink.error.getCode()).isEqualTo("stream_interrupted");
        assertThat(sink.error.getStatus()).isEqualTo(502);
        assertThat(assembler.closed()).isTrue();
    }

    @Test
    void aSecondAttemptBeforeAnythingWasDeliveredIsUsedInvisibly() {
        assembler.accept(text("r", "worker1-1", 1, "lo")); // its seq 0 never came: nothing delivered
        assembler.accept(text("r", "worker2-1", 0, "Hello"));
        assembler.accept(chunk("r", "worker2-1", 1).setFinal$(true).build());
        assembler.accept(text("r", "worker1-1", 0, "Hel")); // the replaced attempt's late chunk

        assertThat(sink.delivered).containsExactly("worker2-1#0:Hello", "worker2-1#1");
        assertThat(sink.discarded).isEmpty();
        assertThat(sink.error).isNull();
    }

    @Test
    void aSecondAttemptReplacesDeliveredTextTheClientHasNotSeen() {
        sink.canDiscard = true; // a non-streaming answer: nothing was sent yet
        assembler.accept(text("r", "worker1-1", 0, "Hel"));
        assembler.accept(text("r", "worker2-1", 0, "Hello"));
        assembler.accept(chunk("r", "worker2-1", 1).setFinal$(true).build());

        assertThat(sink.discarded).containsExactly("worker1-1->worker2-1");
        assertThat(sink.delivered).containsExactly("worker2-1#0:Hello", "worker2-1#1");
        assertThat(sink.error).isNull();
    }

    @Test
    void nothingIsDeliveredAfterTheFinalChunk() {
        assembler.accept(chunk("r", "routing", 0).setFinal$(true).build());
        assembler.accept(text("r", "routing", 1, "late"));
        assembler.accept(text("r", "other", 0, "late"));

        assertThat(sink.delivered).containsExactly("routing#0");
        assertThat(sink.error).isNull();
    }
}
