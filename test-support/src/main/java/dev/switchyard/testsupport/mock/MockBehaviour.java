package dev.switchyard.testsupport.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the mock provider answers: size and pace of the answer and injected faults.
 *
 * <p>Immutable. Every knob may be unset ({@code null}); behaviours are layered with
 * {@link #overlay(MockBehaviour)}: the server default, then a per-model rule, then a one-shot
 * fault from {@link MockLlmProvider#failNext}, then the {@code [[mock:...]]} directives of the
 * request's last user message. A set knob of a higher layer wins.
 *
 * <pre>{@code
 * MockBehaviour.none().withChunks(20).withTtftMs(300).withInterTokenMs(15)
 * MockBehaviour.error(429).withRetryAfterSeconds(2)
 * MockBehaviour.hanging(); MockBehaviour.dying(3); MockBehaviour.contextLengthError()
 * }</pre>
 */
public final class MockBehaviour {

    /** Defaults used under everything: 10 chunks, no delays, stream headers sent at once. */
    public static final MockBehaviour DEFAULTS = new MockBehaviour(10, 0, 0, null, null, false, null, null, false,
            null, false, true, null);

    private static final MockBehaviour NONE = new MockBehaviour(null, null, null, null, null, null, null, null, null,
            null, null, null, null);

    private static final Pattern DIRECTIVE = Pattern.compile("\\[\\[mock:([a-zA-Z-]+)(?:=([^\\]]*))?]]");

    private final Integer chunks;
    private final Integer ttftMs;
    private final Integer interTokenMs;
    private final Integer status;
    private final Integer retryAfterSeconds;
    private final Boolean hang;
    private final Integer dieAfterChunks;
    private final Integer errorAfterChunks;
    private final Boolean contextLengthExceeded;
    private final Integer contextWindowTokens;
    private final Boolean forceTool;
    private final Boolean streamHeadersImmediately;
    private final String text;

    private MockBehaviour(Integer chunks, Integer ttftMs, Integer interTokenMs, Integer status,
                          Integer retryAfterSeconds, Boolean hang, Integer dieAfterChunks, Integer errorAfterChunks,
                          Boolean contextLengthExceeded, Integer contextWindowTokens, Boolean forceTool,
                          Boolean streamHeadersImmediately, String text) {
        this.chunks = chunks;
        this.ttftMs = ttftMs;
        this.interTokenMs = interTokenMs;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.hang = hang;
        this.dieAfterChunks = dieAfterChunks;
        this.errorAfterChunks = errorAfterChunks;
        this.contextLengthExceeded = contextLengthExceeded;
        this.contextWindowTokens = contextWindowTokens;
        this.forceTool = forceTool;
        this.streamHeadersImmediately = streamHeadersImmediately;
        this.text = text;
    }

    /** A behaviour with no knob set (changes nothing when overlaid). */
    public static MockBehaviour none() {
        return NONE;
    }

    /** Answer {@code n} content chunks (one word each). */
    public static MockBehaviour ofChunks(int n) {
        return NONE.withChunks(n);
    }

    /** Answer with an HTTP error of the given status in the provider's error shape. */
    public static MockBehaviour error(int status) {
        return NONE.withStatus(status);
    }

    /** A 429 with a {@code Retry-After} header of the given seconds. */
    public static MockBehaviour rateLimited(int retryAfterSeconds) {
        return NONE.withStatus(429).withRetryAfterSeconds(retryAfterSeconds);
    }

    /** Accept the request and never answer, until the client goes away. */
    public static MockBehaviour hanging() {
        return NONE.withHang(true);
    }

    /** Stream {@code chunks} content chunks, then drop the connection without finishing. */
    public static MockBehaviour dying(int chunks) {
        return NONE.withDieAfterChunks(chunks);
    }

    /** Answer the provider's context-length error (400). */
    public static MockBehaviour contextLengthError() {
        return NONE.withContextLengthExceeded(true);
    }

    public MockBehaviour withChunks(Integer v) {
        checkNonNegative(v, "chunks");
        return new MockBehaviour(v, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** Milliseconds before the first byte of the body (for streams, headers go out at once by default). */
    public MockBehaviour withTtftMs(Integer v) {
        checkNonNegative(v, "ttftMs");
        return new MockBehaviour(chunks, v, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** Milliseconds between two content chunks. */
    public MockBehaviour withInterTokenMs(Integer v) {
        checkNonNegative(v, "interTokenMs");
        return new MockBehaviour(chunks, ttftMs, v, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** An HTTP status to answer with instead of an answer (400..599); {@code 200} means "no error". */
    public MockBehaviour withStatus(Integer v) {
        if (v != null && (v < 200 || v > 599)) {
            throw new IllegalArgumentException("status must be 200..599: " + v);
        }
        return new MockBehaviour(chunks, ttftMs, interTokenMs, v, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** {@code Retry-After} header (seconds) sent with an error status. */
    public MockBehaviour withRetryAfterSeconds(Integer v) {
        checkNonNegative(v, "retryAfterSeconds");
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, v, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    public MockBehaviour withHang(Boolean v) {
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, v, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** After this many content chunks, drop the connection (HTTP/2: reset the stream) without finishing. */
    public MockBehaviour withDieAfterChunks(Integer v) {
        checkNonNegative(v, "dieAfterChunks");
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, v,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /**
     * After this many content chunks, end the stream with the provider's in-stream error event
     * (OpenAI: a {@code data: {"error":...}} event; Anthropic: {@code event: error} overloaded_error).
     * Non-streaming requests get a 500 (OpenAI) / 529 (Anthropic) instead.
     */
    public MockBehaviour withErrorAfterChunks(Integer v) {
        checkNonNegative(v, "errorAfterChunks");
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                v, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    public MockBehaviour withContextLengthExceeded(Boolean v) {
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, v, contextWindowTokens, forceTool, streamHeadersImmediately, text);
    }

    /** The model's context window in (estimated) tokens: a longer prompt gets the context-length error. */
    public MockBehaviour withContextWindowTokens(Integer v) {
        checkNonNegative(v, "contextWindowTokens");
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, v, forceTool, streamHeadersImmediately, text);
    }

    /** Answer with a tool call when the request has tools (same as the {@code [[mock:tool]]} directive). */
    public MockBehaviour withForceTool(Boolean v) {
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, v, streamHeadersImmediately, text);
    }

    /**
     * For streams: {@code true} (default) sends the 200 and headers at once and the first chunk after
     * the TTFT; {@code false} holds the headers back until the first chunk too.
     */
    public MockBehaviour withStreamHeadersImmediately(Boolean v) {
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, v, text);
    }

    /** A fixed answer text (split into one chunk per word) instead of "Hello from MODEL. ..." filler. */
    public MockBehaviour withText(String v) {
        return new MockBehaviour(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately, v);
    }

    /** This behaviour with every knob that {@code top} sets replaced by top's value. */
    public MockBehaviour overlay(MockBehaviour top) {
        if (top == null || top == NONE) {
            return this;
        }
        return new MockBehaviour(
                pick(top.chunks, chunks), pick(top.ttftMs, ttftMs), pick(top.interTokenMs, interTokenMs),
                pick(top.status, status), pick(top.retryAfterSeconds, retryAfterSeconds), pick(top.hang, hang),
                pick(top.dieAfterChunks, dieAfterChunks), pick(top.errorAfterChunks, errorAfterChunks),
                pick(top.contextLengthExceeded, contextLengthExceeded),
                pick(top.contextWindowTokens, contextWindowTokens), pick(top.forceTool, forceTool),
                pick(top.streamHeadersImmediately, streamHeadersImmediately), pick(top.text, text));
    }

    public Integer chunks() { return chunks; }
    public Integer ttftMs() { return ttftMs; }
    public Integer interTokenMs() { return interTokenMs; }
    public Integer status() { return status; }
    public Integer retryAfterSeconds() { return retryAfterSeconds; }
    public Boolean hang() { return hang; }
    public Integer dieAfterChunks() { return dieAfterChunks; }
    public Integer errorAfterChunks() { return errorAfterChunks; }
    public Boolean contextLengthExceeded() { return contextLengthExceeded; }
    public Integer contextWindowTokens() { return contextWindowTokens; }
    public Boolean forceTool() { return forceTool; }
    public Boolean streamHeadersImmediately() { return streamHeadersImmediately; }
    public String text() { return text; }

    /** Result of {@link #parseDirectives(String)}: the behaviour they set and the text without them. */
    public record Directives(MockBehaviour behaviour, String strippedText, List<String> unknown) {
    }

    /**
     * Parses {@code [[mock:NAME]]} / {@code [[mock:NAME=VALUE]]} directives:
     * {@code chunks=N}, {@code ttft=MS}, {@code inter-token=MS}, {@code status=CODE},
     * {@code retry-after=S}, {@code hang}, {@code die-after=N}, {@code error-after=N},
     * {@code context-length}, {@code context-window=TOKENS}, {@code tool},
     * {@code headers-after-ttft}. Unknown names and bad values are reported in
     * {@link Directives#unknown()}.
     */
    public static Directives parseDirectives(String text) {
        if (text == null || text.indexOf("[[mock:") < 0) {
            return new Directives(NONE, text == null ? "" : text.strip(), List.of());
        }
        MockBehaviour b = NONE;
        List<String> unknown = new ArrayList<>(0);
        Matcher m = DIRECTIVE.matcher(text);
        StringBuilder stripped = new StringBuilder(text.length());
        int last = 0;
        while (m.find()) {
            stripped.append(text, last, m.start());
            last = m.end();
            String name = m.group(1).toLowerCase(java.util.Locale.ROOT);
            String value = m.group(2) == null ? null : m.group(2).strip();
            try {
                b = switch (name) {
                    case "chunks" -> b.withChunks(intValue(value));
                    case "ttft", "ttft-ms" -> b.withTtftMs(intValue(value));
                    case "inter-token", "inter-token-ms" -> b.withInterTokenMs(intValue(value));
                    case "status" -> b.withStatus(intValue(value));
                    case "retry-after" -> b.withRetryAfterSeconds(intValue(value));
                    case "hang" -> b.withHang(flag(value));
                    case "die-after" -> b.withDieAfterChunks(intValue(value));
                    case "error-after" -> b.withErrorAfterChunks(intValue(value));
                    case "context-length" -> b.withContextLengthExceeded(flag(value));
                    case "context-window" -> b.withContextWindowTokens(intValue(value));
                    case "tool" -> b.withForceTool(flag(value));
                    case "headers-after-ttft" -> b.withStreamHeadersImmediately(!flag(value));
                    default -> throw new IllegalArgumentException("unknown");
                };
            } catch (RuntimeException e) {
                unknown.add(m.group());
            }
        }
        stripped.append(text, last, text.length());
        String s = stripped.toString().replaceAll("\\s{2,}", " ").strip();
        return new Directives(b, s, unknown);
    }

    private static int intValue(String v) {
        if (v == null) {
            throw new IllegalArgumentException("value required");
        }
        return Integer.parseInt(v);
    }

    private static boolean flag(String v) {
        if (v == null || v.isEmpty()) {
            return true;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + v);
    }

    private static <T> T pick(T top, T base) {
        return top != null ? top : base;
    }

    private static void checkNonNegative(Integer v, String name) {
        if (v != null && v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + v);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MockBehaviour b)) {
            return false;
        }
        return Objects.equals(chunks, b.chunks) && Objects.equals(ttftMs, b.ttftMs)
                && Objects.equals(interTokenMs, b.interTokenMs) && Objects.equals(status, b.status)
                && Objects.equals(retryAfterSeconds, b.retryAfterSeconds) && Objects.equals(hang, b.hang)
                && Objects.equals(dieAfterChunks, b.dieAfterChunks)
                && Objects.equals(errorAfterChunks, b.errorAfterChunks)
                && Objects.equals(contextLengthExceeded, b.contextLengthExceeded)
                && Objects.equals(contextWindowTokens, b.contextWindowTokens)
                && Objects.equals(forceTool, b.forceTool)
                && Objects.equals(streamHeadersImmediately, b.streamHeadersImmediately)
                && Objects.equals(text, b.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(chunks, ttftMs, interTokenMs, status, retryAfterSeconds, hang, dieAfterChunks,
                errorAfterChunks, contextLengthExceeded, contextWindowTokens, forceTool, streamHeadersImmediately,
                text);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MockBehaviour{");
        append(sb, "chunks", chunks);
        append(sb, "ttftMs", ttftMs);
        append(sb, "interTokenMs", interTokenMs);
        append(sb, "status", status);
        append(sb, "retryAfterSeconds", retryAfterSeconds);
        append(sb, "hang", hang);
        append(sb, "dieAfterChunks", dieAfterChunks);
        append(sb, "errorAfterChunks", errorAfterChunks);
        append(sb, "contextLengthExceeded", contextLengthExceeded);
        append(sb, "contextWindowTokens", contextWindowTokens);
        append(sb, "forceTool", forceTool);
        append(sb, "streamHeadersImmediately", streamHeadersImmediately);
        append(sb, "text", text);
        if (sb.charAt(sb.length() - 1) == ' ') {
            sb.setLength(sb.length() - 1);
        }
        return sb.append('}').toString();
    }

    private static void append(StringBuilder sb, String name, Object v) {
        if (v != null) {
            sb.append(name).append('=').append(v).append(' ');
        }
    }
}
