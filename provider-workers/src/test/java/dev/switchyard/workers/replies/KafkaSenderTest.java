package dev.switchyard.workers.replies;

import dev.switchyard.testsupport.conditions.Await;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSenderTest {

    @Test
    void sendsInOrderFromItsOwnThreadAndCompletesOnTheAck() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender")) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                acks.add(sender.send(new ProducerRecord<>("t", 0, "k", new byte[]{(byte) i})));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(producer.history()).extracting(r -> (int) r.value()[0]).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 20).boxed().toList());
        }
    }

    @Test
    void heldRecordsWaitForTheNextUrgentOneAndGoOutBeforeIt() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender", Duration.ofHours(1))) {
            CompletableFuture<Void> first = sender.sendSoon(record(1));
            CompletableFuture<Void> second = sender.sendSoon(record(2));
            Await.until(() -> sender.heldCount() == 2);
            assertThat(producer.history()).isEmpty();
            assertThat(first).isNotDone();

            sender.send(record(3)).get(10, TimeUnit.SECONDS);

            assertThat(producer.history()).extracting(r -> (int) r.value()[0]).containsExactly(1, 2, 3);
            assertThat(first).isCompleted();
            assertThat(second).isCompleted();
        }
    }

    @Test
    void anUrgentRecordGoesOutAheadOfOtherKeysHeldRecords() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender", Duration.ofHours(1))) {
            CompletableFuture<Void> otherRequest = sender.sendSoon(new ProducerRecord<>("t", 0, "request-a", new byte[]{1}));
            sender.sendSoon(new ProducerRecord<>("t", 0, "request-b", new byte[]{2}));
            Await.until(() -> sender.heldCount() == 2);

            sender.send(new ProducerRecord<>("t", 0, "request-b", new byte[]{3})).get(10, TimeUnit.SECONDS);

            assertThat(producer.history()).extracting(r -> (int) r.value()[0]).containsExactly(2, 3);
            assertThat(sender.heldCount()).isEqualTo(1);
            assertThat(otherRequest).isNotDone();
        }
    }

    @Test
    void heldRecordsGoOutWhenTheHoldEndsWithNothingElseSent() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender", Duration.ofMillis(20))) {
            sender.sendSoon(record(1)).get(10, TimeUnit.SECONDS);
            assertThat(producer.history()).hasSize(1);
        }
    }

    @Test
    void closingSendsWhatIsHeld() {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        CompletableFuture<Void> held;
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender", Duration.ofHours(1))) {
            held = sender.sendSoon(record(1));
            Await.until(() -> sender.heldCount() == 1);
        }
        assertThat(held).isCompleted();
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void withoutAHoldSendSoonGoesOutAtOnce() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (KafkaSender sender = new KafkaSender(producer, 100, "test-sender")) {
            sender.sendSoon(record(1)).get(10, TimeUnit.SECONDS);
            assertThat(sender.heldCount()).isZero();
        }
    }

    private static ProducerRecord<String, byte[]> record(int n) {
        return new ProducerRecord<>("t", 0, "k", new byte[]{(byte) n});
    }

    @Test
    void aFullQueueFailsNewRecordsAtOnceInsteadOfBlockingOrGrowing() throws Exception {
        // Nothing is acknowledged and the producer blocks its sender thread on the first record, as with no broker.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    ProducerRecord<String, byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        try (KafkaSender sender = new KafkaSender(producer, 2, "test-sender")) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                acks.add(sender.send(new ProducerRecord<>("t", "k", new byte[0])));
            }
            assertThat(acks.stream().filter(CompletableFuture::isCompletedExceptionally)).isNotEmpty();
            CompletableFuture<Void> rejected = acks.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst().orElseThrow();
            assertThatThrownBy(rejected::get).isInstanceOf(ExecutionException.class).hasMessageContaining("queue is full");
            release.countDown();
        }
    }
}
