package dev.switchyard.workers.providers.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser of a {@code text/event-stream} body (WHATWG server-sent events). Bytes arrive in arbitrary
 * network chunks: lines are cut at byte level and decoded as UTF-8 only when complete, so a multi-byte character split
 * between two chunks is never mangled. Comment lines ({@code :ping}) are skipped; an event is dispatched at the blank
 * line that ends it, or at {@link #end} when the body stops without one. Not thread-safe (one per response).
 *
 * <p>Every provider token passes through here, so a line's field name is matched on its bytes and only its value is
 * decoded: a one-line {@code data:} value becomes the event's data with one copy (it was five, line, field, value,
 * builder, event, which made this the worker's largest allocator).
 */
public final class SseParser {
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    /** The start of a line that the previous network chunk cut: most lines never need it. */
    private final ByteArrayOutputStream carry = new ByteArrayOutputStream(256);
    private String event;
    /** The event's first data line; later ones (rare in provider streams) are joined in {@link #moreData}. */
    private String data;
    private StringBuilder moreData;

    public void feed(byte[] bytes, Consumer<SseEvent> out) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (carry.size() == 0) {
                onLine(bytes, start, i, out);
            } else {
                carry.write(bytes, start, i - start);
                onCarriedLine(out);
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
            onCarriedLine(out);
        }
        dispatch(out);
    }

    private void onCarriedLine(Consumer<SseEvent> out) {
        byte[] line = carry.toByteArray();
        carry.reset();
        onLine(line, 0, line.length, out);
    }

    /** The line in {@code b[from, to)}, without its {@code \n}. */
    private void onLine(byte[] b, int from, int to, Consumer<SseEvent> out) {
        if (to > from && b[to - 1] == '\r') {
            to--;
        }
        if (to == from) {
            dispatch(out);
            return;
        }
        if (b[from] == ':') {
            return; // comment / keep-alive
        }
        int colon = from;
        while (colon < to && b[colon] != ':') {
            colon++;
        }
        int valueFrom = Math.min(colon + 1, to);
        if (valueFrom < to && b[valueFrom] == ' ') {
            valueFrom++;
        }
        if (named(b, from, colon, DATA)) {
            String value = new String(b, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
            if (data == null) {
                data = value;
            } else {
                if (moreData == null) {
                    moreData = new StringBuilder(data);
                }
                moreData.append('\n').append(value);
            }
        } else if (named(b, from, colon, EVENT)) {
            event = new String(b, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
        }
        // id, retry and unknown fields are irrelevant for provider streams
    }

    private static boolean named(byte[] b, int from, int to, byte[] name) {
        if (to - from != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (b[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    private void dispatch(Consumer<SseEvent> out) {
        if (data != null) {
            out.accept(new SseEvent(event, moreData != null ? moreData.toString() : data));
        }
        event = null;
        data = null;
        moreData = null;
    }
}
