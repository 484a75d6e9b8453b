package dev.switchyard.bench.load;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseScannerTest {
    private static final String STREAM = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

            data: {"choices":[{"index":0,"delta":{"content":"Hello "}}]}

            data: {"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}

            data: {"choices":[{"index":0,"delta": {"content": "world"}}]}\r
            \r
            data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]

            """;

    /** What a listener saw: "c<n>" for content, "done", "error". */
    private static List<String> scan(String text, int pieceSize) {
        List<String> seen = new ArrayList<>();
        SseScanner scanner = new SseScanner();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += pieceSize) {
            scanner.feed(bytes, i, Math.min(pieceSize, bytes.length - i), new SseScanner.Listener() {
                public void onContent(int count) {
                    for (int k = 0; k < count; k++) {
                        seen.add("c");
                    }
                }

                public void onDone() {
                    seen.add("done");
                }

                public void onErrorEvent(String line) {
                    seen.add("error");
                }
            });
        }
        return seen;
    }

    @Test
    void countsNonEmptyContentDeltasWhateverTheNetworkPieces() {
        for (int piece : new int[] {1, 3, 17, 4096}) {
            assertThat(scan(STREAM, piece)).as("pieces of %d bytes", piece).containsExactly("c", "c", "done");
        }
    }

    @Test
    void reportsErrorEvents() {
        assertThat(scan("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"x\"}}\n\n", 5))
                .containsExactly("c", "error");
    }
}
