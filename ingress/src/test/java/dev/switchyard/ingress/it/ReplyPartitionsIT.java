package dev.switchyard.ingress.it;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.ingress.IngressService;
import dev.switchyard.testsupport.kafka.TopicTail;
import dev.switchyard.testsupport.services.SharedServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.switchyard.ingress.Chunks.first;
import static dev.switchyard.ingress.Chunks.last;
import static dev.switchyard.ingress.it.IngressKit.WAIT;
import static dev.switchyard.ingress.it.IngressKit.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

/** Two ingress instances of one deployment share the reply topic without ever reading each other's replies. */
@ExtendWith(SharedServices.class)
@Timeout(120)
class ReplyPartitionsIT {
    private static IngressKit kit;
    private static IngressService a;
    private static IngressService b;
    private static TopicTail<ChatRequest> requests;

    @BeforeAll
    static void start() {
        kit = new IngressKit();
        String group = "it-shared-replies-" + UUID.randomUUID();
        a = kit.start(c -> c.withReplyGroupId(group));
        b = kit.start(c -> c.withReplyGroupId(group));
        // The first instance gives partitions up to the second in a cooperative rebalance.
        IngressKit.await(() -> !a.replyPartitions().isEmpty() && !b.replyPartitions().isEmpty()
                && disjoint(a.replyPartitions(), b.replyPartitions()), "both instances own reply partitions");
        requests = kit.requests();
    }

    @AfterAll
    static void stop() {
        requests.close();
        a.close();
        b.close();
        kit.close();
    }

    private static boolean disjoint(List<Integer> x, List<Integer> y) {
        Set<Integer> both = new HashSet<>(x);
        both.retainAll(y);
        return both.isEmpty();
    }

    @Test
    void eachInstanceNamesOnlyItsOwnPartitionsAndGetsOnlyItsOwnReplies() {
        assertThat(disjoint(a.replyPartitions(), b.replyPartitions())).isTrue();
        assertThat(a.replyPartitions().size() + b.replyPartitions().size()).isEqualTo(6);

        String markerA = "a-" + UUID.randomUUID();
        String markerB = "b-" + UUID.randomUUID();
        CompletableFuture<HttpResponse<String>> answerA = kit.sendAsync(kit.post(a, "/v1/chat/completions", chatBody("gpt-5.2", markerA, true, "")).build());
        CompletableFuture<HttpResponse<String>> answerB = kit.sendAsync(kit.post(b, "/v1/chat/completions", chatBody("gpt-5.2", markerB, true, "")).build());
        ChatRequest requestA = requests.await(r -> r.value().getMessagesJson().contains(markerA), WAIT).value();
        ChatRequest requestB = requests.await(r -> r.value().getMessagesJson().contains(markerB), WAIT).value();
        assertThat(a.replyPartitions()).contains(requestA.getReplyTo().getPartition());
        assertThat(b.replyPartitions()).contains(requestB.getReplyTo().getPartition());

        // A reply for A's request sent to B's partition is B's to read, and B ignores it: it never reaches A's client.
        kit.reply(requestB.getReplyTo().getTopic(), requestB.getReplyTo().getPartition(), requestA.getRequestId(),
                first(requestA.getRequestId(), "stray-1", "WRONG", List.of()));
        kit.reply(requestA, first(requestA.getRequestId(), "w-a", "for A", List.of()), last(requestA.getRequestId(), "w-a", 1, "stop", null, List.of()));
        kit.reply(requestB, first(requestB.getRequestId(), "w-b", "for B", List.of()), last(requestB.getRequestId(), "w-b", 1, "stop", null, List.of()));

        String bodyA = answerA.join().body();
        String bodyB = answerB.join().body();
        assertThat(bodyA).contains("\"content\":\"for A\"").doesNotContain("WRONG").doesNotContain("for B").endsWith("data: [DONE]\n\n");
        assertThat(bodyB).contains("\"content\":\"for B\"").doesNotContain("for A").endsWith("data: [DONE]\n\n");
    }
}
