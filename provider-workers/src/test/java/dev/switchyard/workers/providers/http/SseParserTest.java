package dev.switchyard.workers.providers.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    @Test
    void parsesNamedEventsMultiLineDataCommentsAndCrLf() {
        List<SseEvent> events = parse(": keep-alive\r\nevent: message_start\r\ndata: {\"a\":1}\r\n\r\ndata: line1\ndata:line2\n\n", 1000);

        assertThat(events).containsExactly(new SseEvent("message_start", "{\"a\":1}"), new SseEvent(null, "line1\nline2"));
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossNetworkChunks() {
        List<SseEvent> events = parse("data: héllo ☃ wörld\n\n", 1);

        assertThat(events).containsExactly(new SseEvent(null, "héllo ☃ wörld"));
    }

    @Test
    void matchesFieldNamesExactlyAndTakesEmptyValues() {
        List<SseEvent> events = parse("database: x\ndata\n\nevents: y\nevent: ping\nid: 7\nretry: 10\n\n"
                + "event: done\ndata:\n\ndata:  two spaces\n\n", 3);

        // "database" and "events" are no fields; an event without data is not dispatched; one space after the colon goes
        assertThat(events).containsExactly(new SseEvent(null, ""), new SseEvent("done", ""),
                new SseEvent(null, " two spaces"));
    }

    @Test
    void dispatchesALastEventWithoutTrailingBlankLineAtTheEnd() {
        assertThat(parse("data: [DONE]", 4)).containsExactly(new SseEvent(null, "[DONE]"));
    }

    private static List<SseEvent> parse(String text, int pieceSize) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        SseParser parser = new SseParser();
        List<SseEvent> events = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += pieceSize) {
            parser.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize)), events::add);
        }
        parser.end(events::add);
        return events;
    }
}
