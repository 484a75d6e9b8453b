package dev.switchyard.bench.load;

/**
 * A byte-level reader of an OpenAI chat-completions event stream, cheap enough to sit in the load generator's hot
 * path: it splits lines across network buffers and recognises content chunks (a non-empty {@code "content"} string),
 * the end ({@code data: [DONE]}) and error events, without building JSON trees.
 */
public final class SseScanner {
    private static final byte[] DATA = "data:".getBytes();
    private static final byte[] DONE = "[DONE]".getBytes();
    private static final byte[] CONTENT = "\"content\":".getBytes();
    private static final byte[] ERROR = "{\"error\"".getBytes();

    /** What the scanner saw in one piece of input. */
    public interface Listener {
        /** {@code count} content chunks ended in this piece of input. */
        void onContent(int count);

        void onDone();

        void onErrorEvent(String line);
    }

    private byte[] line = new byte[1024];
    private int length;
    private String lastLine;

    /** Feeds the next network piece; reports the complete lines it ends. */
    public void feed(byte[] bytes, int offset, int len, Listener listener) {
        int contents = 0;
        for (int i = offset; i < offset + len; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                int kind = classify();
                length = 0;
                if (kind == 1) {
                    contents++;
                } else if (kind == 2) {
                    if (contents > 0) {
                        listener.onContent(contents);
                        contents = 0;
                    }
                    listener.onDone();
                } else if (kind == 3) {
                    if (contents > 0) {
                        listener.onContent(contents);
                        contents = 0;
                    }
                    listener.onErrorEvent(lastLine);
                }
            } else {
                if (length == line.length) {
                    byte[] bigger = new byte[line.length * 2];
                    System.arraycopy(line, 0, bigger, 0, length);
                    line = bigger;
                }
                line[length++] = b;
            }
        }
        if (contents > 0) {
            listener.onContent(contents);
        }
    }

    /** 0 = nothing of interest, 1 = content chunk, 2 = [DONE], 3 = error event. */
    private int classify() {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        if (!startsWith(0, end, DATA)) {
            return 0;
        }
        int p = DATA.length;
        while (p < end && line[p] == ' ') {
            p++;
        }
        if (startsWith(p, end, DONE)) {
            return 2;
        }
        if (startsWith(p, end, ERROR)) {
            lastLine = new String(line, 0, end);
            return 3;
        }
        int at = indexOf(p, end, CONTENT);
        while (at >= 0) {
            int q = at + CONTENT.length;
            while (q < end && line[q] == ' ') {
                q++;
            }
            if (q + 1 < end && line[q] == '"' && line[q + 1] != '"') {
                return 1;
            }
            at = indexOf(q, end, CONTENT);
        }
        return 0;
    }

    private boolean startsWith(int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int from, int end, byte[] needle) {
        outer:
        for (int i = from; i <= end - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
