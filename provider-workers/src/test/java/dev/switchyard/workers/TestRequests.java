package dev.switchyard.workers;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReplyAddress;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** ChatRequests for tests, with every required field set. */
public final class TestRequests {
    private TestRequests() {
    }

    public static ChatRequest.Builder chat(String messagesJson) {
        Instant now = Instant.now();
        return ChatRequest.newBuilder()
                .setRequestId("req-" + UUID.randomUUID())
                .setReceivedAt(now)
                .setDeadlineAt(now.plusSeconds(60))
                .setProtocol(ClientProtocol.OPENAI_CHAT)
                .setModel("router/test")
                .setStream(true)
                .setIncludeUsage(true)
                .setMetadata(Map.of())
                .setMessagesJson(messagesJson)
                .setStop(List.of())
                .setProviderHeaders(Map.of())
                .setReplyTo(new ReplyAddress("llm.replies", 0));
    }

    public static ChatRequest.Builder hello() {
        return chat("[{\"role\":\"user\",\"content\":\"Hello\"}]");
    }
}
