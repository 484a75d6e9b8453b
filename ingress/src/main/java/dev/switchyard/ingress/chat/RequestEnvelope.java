package dev.switchyard.ingress.chat;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReplyAddress;

import java.time.Instant;

/** What ingress adds to every parsed request: its id, when it came, when the client stops waiting, where replies go. */
public record RequestEnvelope(String requestId, Instant receivedAt, Instant deadlineAt, ReplyAddress replyTo) {

    /** A request of {@code protocol} stamped with this envelope; the parser fills in the rest. */
    public ChatRequest.Builder newRequest(ClientProtocol protocol) {
        return ChatRequest.newBuilder()
                .setRequestId(requestId)
                .setReceivedAt(receivedAt)
                .setDeadlineAt(deadlineAt)
                .setReplyTo(replyTo)
                .setProtocol(protocol);
    }
}
