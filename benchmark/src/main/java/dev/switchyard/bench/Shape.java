package dev.switchyard.bench;

/**
 * What the mock provider does for each benchmark request: how big the prompt is, how many content chunks it streams,
 * its time to first token and the pause between tokens. The mock is told per request with {@code [[mock:...]]}
 * directives in the last user message, which every path (direct, Switchyard, a peer gateway) forwards untouched, so
 * one mock serves every target with the same behaviour.
 */
public record Shape(String name, int promptBytes, int chunks, int ttftMs, int interTokenMs) {

    /** The shape of the peer measurement in FACTS.md: small answers, no provider delay, so overheads dominate. */
    public static final Shape SHORT = new Shape("short", 1024, 20, 0, 0);
    /** A chat answer: 100 chunks, 200 ms to the first token, 15 ms between tokens. */
    public static final Shape REALISTIC = new Shape("realistic", 1024, 100, 200, 15);

    public static Shape named(String name) {
        return switch (name) {
            case "short" -> SHORT;
            case "realistic" -> REALISTIC;
            default -> throw new IllegalArgumentException("--shape takes short or realistic, not " + name);
        };
    }

    public Shape withChunks(int n) {
        return new Shape(name, promptBytes, n, ttftMs, interTokenMs);
    }

    public Shape withTtftMs(int ms) {
        return new Shape(name, promptBytes, chunks, ms, interTokenMs);
    }

    public Shape withInterTokenMs(int ms) {
        return new Shape(name, promptBytes, chunks, ttftMs, ms);
    }

    public Shape withPromptBytes(int bytes) {
        return new Shape(name, bytes, chunks, ttftMs, interTokenMs);
    }

    /** The mock directives for this shape. */
    public String directives() {
        StringBuilder sb = new StringBuilder().append("[[mock:chunks=").append(chunks).append("]]");
        if (ttftMs > 0) {
            sb.append(" [[mock:ttft=").append(ttftMs).append("]]");
        }
        if (interTokenMs > 0) {
            sb.append(" [[mock:inter-token=").append(interTokenMs).append("]]");
        }
        return sb.toString();
    }

    /** When the mock sends content chunk {@code k} (0-based), in ms after it received the request. */
    public long nominalChunkOffsetMs(int k) {
        return ttftMs + (long) k * interTokenMs;
    }

    @Override
    public String toString() {
        return name + " (prompt " + promptBytes + " B, " + chunks + " chunks, TTFT " + ttftMs + " ms, " + interTokenMs
                + " ms between tokens)";
    }
}
