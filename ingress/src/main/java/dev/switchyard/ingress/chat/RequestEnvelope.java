package dev.switchyard.ingress.chat;

import dev.switchyard.events.ReplyAddress;

import java.time.Instant;

/** What ingress adds to every parsed request: its id, when it came, when the client stops waiting, where replies go. */
public record RequestEnvelope(String requestId, Instant receivedAt, Instant deadlineAt, ReplyAddress replyTo) {
}
