package dev.switchyard.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchyard.core.router.RouterDocuments;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.RouterConfig;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The records the microbenchmarks work on: a router with 10 routes, a typical request, typical reply chunks. */
final class BenchData {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ten conditions of the kinds operators write; the benchmark's metadata matches only the last one. */
    static final List<String> CONDITIONS = List.of(
            "language == \"es\"",
            "plan == \"free\" && country in [\"US\", \"CA\"]",
            "tier == \"enterprise\"",
            "metadata[\"user-tier\"] == \"gold\"",
            "request.has_tools && language == \"fr\"",
            "emotion == \"angry\" || emotion == \"sad\"",
            "country == \"JP\" && request.message_count > 10",
            "age > 65",
            "language.startsWith(\"zh\")",
            "tier == \"pro\" && request.message_count > 0");

    private BenchData() {
    }

    static RouterConfig router10() {
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < CONDITIONS.size(); i++) {
            if (i > 0) {
                routes.append(',');
            }
            routes.append("{\"condition\":{\"cel_expression\":").append(quote(CONDITIONS.get(i))).append("},")
                    .append("\"route\":{\"variants\":[{\"variant\":{\"modelId\":\"openai/gpt-4o-mini\"},\"weight\":50},")
                    .append("{\"variant\":{\"modelId\":\"openai/gpt-4.1-mini\"},\"weight\":50}]}}");
        }
        String body = "{\"displayName\":\"bench10\",\"routes\":[" + routes + "],\"defaultRoute\":{\"variants\":["
                + "{\"variant\":{\"modelId\":\"openai/gpt-4.1\"},\"weight\":100}]}}";
        try {
            return new RouterDocuments(Optional::of).create(JSON.readTree(body), Instant.now(), "jmh");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every key the conditions name, except the one under a dashed name: the last route matches. */
    static Map<String, Object> fullMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("language", "en");
        m.put("plan", "pro");
        m.put("country", "DE");
        m.put("tier", "pro");
        m.put("emotion", "neutral");
        m.put("age", 30L);
        return m;
    }

    /** Only the key the matching route needs: every other condition meets absent variables. */
    static Map<String, Object> sparseMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tier", "pro");
        return m;
    }

    static String messagesJson() {
        StringBuilder text = new StringBuilder();
        while (text.length() < 900) {
            text.append("The quick brown fox jumps over the lazy dog while the router measures every hop. ");
        }
        return "[{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},{\"role\":\"user\",\"content\":\""
                + text + "\"}]";
    }

    static ChatRequest request(String model, Map<String, Object> metadata) {
        Instant now = Instant.now();
        return ChatRequest.newBuilder()
                .setRequestId("req_3f1c9a52-7b1e-4d7c-9a1e-2b9f0c6d8e11")
                .setReceivedAt(now).setDeadlineAt(now.plusSeconds(600))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setModel(model).setStream(true).setIncludeUsage(false)
                .setUserId("bench-user-17").setMetadata(metadata).setMessagesJson(messagesJson())
                .setMaxTokens(512).setTemperature(0.7).setExtraJson("{\"presence_penalty\":0}")
                .setReplyTo(ReplyAddress.newBuilder().setTopic("llm.replies").setPartition(3).build())
                .build();
    }

    /** A mid-stream text delta (most chunks look like this). */
    static ReplyChunk textChunk() {
        return ReplyChunk.newBuilder().setRequestId("req_3f1c9a52-7b1e-4d7c-9a1e-2b9f0c6d8e11")
                .setAttemptId("worker-5c2e1f-17").setAttempt(1).setSeq(7).setText("brown ").build();
    }

    /** The first chunk of an attempt: ids, model and the attempts so far. */
    static ReplyChunk firstChunk() {
        return ReplyChunk.newBuilder(textChunk()).setSeq(0).setText("Hello ")
                .setModelId("openai/gpt-4o-mini").setModelName("gpt-4o-mini-2024-07-18")
                .setRouterId("bench10").setRouteId("r-9k2m").setVariantId("v-3jd8")
                .setAttempts(List.of(Attempt.newBuilder().setAttempt(1).setAttemptId("worker-5c2e1f-17")
                        .setModelId("openai/gpt-4o-mini").setProvider("openai").setStartedAt(Instant.now())
                        .setOutcome("streaming").build()))
                .build();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
