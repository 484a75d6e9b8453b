package dev.switchyard.schemas.kafka;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SharedProducerTest {
    private final List<MockProducer<String, byte[]>> created = new ArrayList<>();
    private final SharedProducer shared = new SharedProducer(() -> {
        // autoComplete false: a flush must complete what is pending, as a real producer's does
        MockProducer<String, byte[]> p = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        created.add(p);
        return p;
    });

    @Test
    void everyLeaseSendsThroughTheSameProducer() {
        Producer<String, byte[]> ingress = shared.lease();
        Producer<String, byte[]> engine = shared.lease();

        ingress.send(new ProducerRecord<>("llm.requests", "r1", new byte[]{1}));
        engine.send(new ProducerRecord<>("llm.dispatch", "r1", new byte[]{2}));

        assertThat(created).hasSize(1);
        assertThat(created.get(0).history()).extracting(ProducerRecord::topic).containsExactly("llm.requests", "llm.dispatch");
    }

    @Test
    void closingALeaseFlushesAndOnlyTheLastOneClosesTheProducer() {
        Producer<String, byte[]> ingress = shared.lease();
        Producer<String, byte[]> engine = shared.lease();
        ingress.send(new ProducerRecord<>("llm.requests", "r1", new byte[]{1}));

        ingress.close();
        ingress.close(); // a second close of one lease is not a second release

        MockProducer<String, byte[]> producer = created.get(0);
        assertThat(producer.flushed()).as("the stopping stage's records are sent").isTrue();
        assertThat(producer.closed()).isFalse();
        assertThat(shared.leases()).isEqualTo(1);
        engine.send(new ProducerRecord<>("llm.dispatch", "r1", new byte[]{2}));

        engine.close();
        assertThat(producer.closed()).isTrue();
        assertThat(shared.leases()).isZero();
    }

    @Test
    void aLeaseAfterTheLastCloseGetsAFreshProducer() {
        shared.lease().close();

        Producer<String, byte[]> again = shared.lease();
        again.send(new ProducerRecord<>("llm.requests", "r2", new byte[]{1}));

        assertThat(created).hasSize(2);
        assertThat(created.get(1).closed()).isFalse();
        assertThat(created.get(1).history()).hasSize(1);
    }

    @Test
    void aSharedProducerRefusesTransactions() {
        Producer<String, byte[]> lease = shared.lease();

        assertThatThrownBy(lease::initTransactions).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(lease::beginTransaction).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void settingsWithoutSharingOpenAProducerPerStage() {
        KafkaSettings own = new KafkaSettings("127.0.0.1:9", "t");
        KafkaSettings sharing = own.sharingOneProducer();

        assertThat(own.sharedProducer()).isNull();
        assertThat(sharing.sharedProducer()).isNotNull();
        assertThat(sharing.bootstrapServers()).isEqualTo(own.bootstrapServers());
    }
}
