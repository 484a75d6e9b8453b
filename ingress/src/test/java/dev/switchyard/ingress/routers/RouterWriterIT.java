package dev.switchyard.ingress.routers;

import dev.switchyard.core.router.RouterConfigStore;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.kafka.TopicLayout;
import dev.switchyard.schemas.kafka.TopicProvisioner;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A commit that fails without a verdict (under transactions V2 a commit racing another instance's fencing can end in
 * "an unexpected error") is settled by reading the router back, against a real broker: 200 if it committed after all,
 * 409 if another change got there, 503 if nothing was written.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RouterWriterIT {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static KafkaSettings kafka;
    private static EventSerdes serdes;
    private static RouterConfigStore store;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        TopicProvisioner.ensureTopics(bootstrap, TopicLayout.defaults());
        kafka = new KafkaSettings(bootstrap, "router-writer-it");
        serdes = new EventSerdes(SharedServices.registry().url());
        store = new RouterConfigStore(kafka, serdes.routerConfigs, "router-writer-it-store").start();
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    private static RouterConfig router(String id, long version, String name) {
        return RouterConfig.newBuilder().setId(id).setVersion(version).setDisplayName(name)
                .setRoutes(List.of(new Route("main", null, List.of(new Variant("a", "openai/gpt-5.2", 100)), List.of())))
                .setCreatedAt(NOW).setUpdatedAt(NOW).build();
    }

    /** A change that renames the router (creating it at version 1 when it is new). */
    private static RouterWriter.Change rename(String id, String name) {
        return current -> {
            RouterConfig next = router(id, current.map(c -> c.getVersion() + 1).orElse(1L), name);
            return new RouterWriter.Write(next, next);
        };
    }

    private static RouterWriter writer(RouterWriter.Commit commit) {
        return new RouterWriter(kafka, serdes, store, "router-writer-it-" + UUID.randomUUID(), commit);
    }

    private static String created() throws Exception {
        String id = "rw-" + UUID.randomUUID().toString().substring(0, 8);
        new RouterWriter(kafka, serdes, store, "router-writer-it").write(id, rename(id, "first"));
        return id;
    }

    @Test
    void aCommitThatTookEffectBeforeItsErrorAnswersAsWritten() throws Exception {
        String id = created();
        RouterWriter[] self = new RouterWriter[1];
        self[0] = writer((producer, routerId, write) -> {
            self[0].commit(producer, routerId, write);
            throw new KafkaException("the commit's answer was lost");
        });

        RouterWriter.Write write = self[0].write(id, rename(id, "second"));

        assertThat(write.current().getVersion()).isEqualTo(2);
        assertThat(store.get(id)).contains(write.current());
    }

    @Test
    void aCommitThatNeverHappenedIs503AndLeavesTheRouterAsItWas() throws Exception {
        String id = created();
        Optional<RouterConfig> before = store.get(id);
        RouterWriter failing = writer((producer, routerId, write) -> {
            producer.beginTransaction();
            throw new KafkaException("the coordinator refused the transaction");
        });

        assertThatThrownBy(() -> failing.write(id, rename(id, "never")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503))
                .hasMessageStartingWith("The router change was not made");
        // A later change builds on the version before: nothing of the failed one was committed.
        RouterWriter.Write next = new RouterWriter(kafka, serdes, store, "router-writer-it").write(id, rename(id, "after"));
        assertThat(next.current().getVersion()).isEqualTo(before.orElseThrow().getVersion() + 1);
    }

    @Test
    void aCommitThatLostToAnotherChangeIs409() throws Exception {
        String id = created();
        RouterWriter other = new RouterWriter(kafka, serdes, store, "router-writer-it-other");
        RouterWriter losing = writer((producer, routerId, write) -> {
            try {
                other.write(routerId, rename(routerId, "the other's")); // fences this change, then commits its own
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            throw new KafkaException("an unexpected error on EndTxn");
        });

        assertThatThrownBy(() -> losing.write(id, rename(id, "mine")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(store.get(id).orElseThrow().getDisplayName()).isEqualTo("the other's");
        assertThat(store.get(id).orElseThrow().getVersion()).isEqualTo(2);
    }
}
