package dev.switchyard.workers.providers.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser of a {@code text/event-stream} body (WHATWG server-sent events). Bytes arrive in arbitrary
 * network chunks: lines are cut at byte level and decoded as UTF-8 only when complete, so a multi-byte character split
 * between two chunks is never mangled. Comment lines ({@code :ping}) are skipped; an event is dispatched at the blank
 * line that ends it, or at {@link #end} when the body stops without one. Not thread-safe (one per response).
 */
public final class SseParser {
    /** The start of a line that the previous network chunk cut: most lines never need it. */
    private final ByteArrayOutputStream carry = new ByteArrayOutputStream(256);
    private String event;
    private StringBuilder data;

    public void feed(byte[] bytes, Consumer<SseEvent> out) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (carry.size() == 0) {
                onLine(new String(bytes, start, i - start, StandardCharsets.UTF_8), out);
            } else {
                carry.write(bytes, start, i - start);
                onLine(takeCarry(), out);
            }
            start = i + 1;
        }
        if (start < bytes.length) {
            carry.write(bytes, start, bytes.length - start);
        }
    }

    /** The body ended: dispatch what is pending (a last line or event without its terminating newline). */
    public void end(Consumer<SseEvent> out) {
        if (carry.size() > 0) {
            onLine(takeCarry(), out);
        }
        dispatch(out);
    }

    private String takeCarry() {
        String text = carry.toString(StandardCharsets.UTF_8);
        carry.reset();
        return text;
    }

    private void onLine(String text, Consumer<SseEvent> out) {
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            dispatch(out);
            return;
        }
        if (text.charAt(0) == ':') {
            return; // comment / keep-alive
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // id, retry and unknown fields are irrelevant for provider streams
            }
        }
    }

    private void dispatch(Consumer<SseEvent> out) {
        if (data != null) {
            out.accept(new SseEvent(event, data.toString()));
        }
        event = null;
        data = null;
    }
}
