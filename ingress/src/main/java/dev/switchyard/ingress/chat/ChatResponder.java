package dev.switchyard.ingress.chat;

import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.ReplyError;

/**
 * The client protocol's half of answering a chat request: turns the ordered reply chunks of one attempt into the
 * protocol's bytes (OpenAI chat completions, Anthropic messages, Responses). {@link ChatExchange} does the
 * protocol-neutral half: HTTP status and headers, deadline, disconnects and cancellation. Pure: no I/O.
 */
public interface ChatResponder {
    /** Whether the answer is a stream of events (headers go out with the first chunk) or one body at the end. */
    boolean streaming();

    /** The content type of a successful answer: server-sent events when streaming, else one JSON body. */
    default String contentType() {
        return streaming() ? "text/event-stream" : "application/json";
    }

    /**
     * The next chunk of the attempt being delivered (the final one included, unless it carries an error). Returns the
     * text to send now: events when streaming, "" when the answer is accumulated for {@link #finish()}.
     */
    String onChunk(ReplyChunk chunk);

    /** Forgets everything accumulated: another attempt replaces it. Only called while nothing was sent. */
    void reset();

    /** The text that ends a successful answer, after the final chunk. */
    String finish();

    /** The event that ends a stream with an error once bytes were sent. */
    String errorEvent(ReplyError error);

    /** The body of an error answer when nothing was sent (sent with the error's status). */
    String errorBody(ReplyError error);

    /** Extra headers of a successful answer, asked for when the headers go out (after the final chunk when not streaming). */
    default java.util.Map<String, String> headers() {
        return java.util.Map.of();
    }
}
