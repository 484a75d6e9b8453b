package dev.switchyard.engine.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchyard.events.ChatRequest;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The {@code request} variable of route conditions: facts about the request itself, not its metadata. */
public final class RequestFacts {
    private static final JsonFactory JSON = new JsonFactory();

    private RequestFacts() {
    }

    public static Map<String, Object> of(ChatRequest request) {
        Map<String, Object> facts = new HashMap<>();
        facts.put("model", request.getModel());
        facts.put("stream", request.getStream());
        facts.put("protocol", request.getProtocol().name().toLowerCase());
        facts.put("message_count", (long) countMessages(request.getMessagesJson()));
        facts.put("has_tools", request.getToolsJson() != null && !request.getToolsJson().equals("[]"));
        facts.put("has_user", request.getUserId() != null);
        if (request.getMaxTokens() != null) {
            facts.put("max_tokens", request.getMaxTokens().longValue());
        }
        return facts;
    }

    /** Counts the top-level elements of the messages array without building a tree. */
    static int countMessages(String messagesJson) {
        try (JsonParser parser = JSON.createParser(messagesJson)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return 0;
            }
            int count = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                count++;
                parser.skipChildren();
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
