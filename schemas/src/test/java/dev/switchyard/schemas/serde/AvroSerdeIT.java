package dev.switchyard.schemas.serde;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.ClientProtocol;
import dev.switchyard.events.ReplyAddress;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.registry.SchemaRegistryClient;
import dev.switchyard.testsupport.services.SharedServices;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The serde against a real Confluent-API registry (Apicurio's ccompat API, as a child process). */
class AvroSerdeIT {
    private final SchemaRegistryClient registry = new SchemaRegistryClient(SharedServices.registry().url());

    private static ChatRequest request() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return ChatRequest.newBuilder()
                .setRequestId("req-" + UUID.randomUUID()).setReceivedAt(now).setDeadlineAt(now.plusSeconds(30))
                .setProtocol(ClientProtocol.OPENAI_CHAT).setModel("router/seed").setStream(true)
                .setUserId("alice").setMetadata(Map.of("language", "es", "tier", 3L, "vip", true, "score", 0.5))
                .setMessagesJson("[{\"role\":\"user\",\"content\":\"hola\"}]")
                .setReplyTo(new ReplyAddress(Topics.REPLIES, 2)).build();
    }

    @Test
    void writesTheConfluentWireFormatAndReadsItBack() {
        String topic = "serde-test-" + UUID.randomUUID();
        AvroSerde<ChatRequest> serde = new AvroSerde<>(ChatRequest.class, registry);
        ChatRequest original = request();
        byte[] bytes = serde.serialize(topic, original);

        int id = registry.register(Topics.valueSubject(topic), ChatRequest.getClassSchema());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(ChatRequest.getClassSchema());

        // A fresh client (another process, in effect) decodes it by fetching the schema by id.
        ChatRequest decoded = new AvroSerde<>(ChatRequest.class, new SchemaRegistryClient(SharedServices.registry().url())).deserialize(topic, bytes);
        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.getMetadata().get("tier")).isEqualTo(3L);
    }

    @Test
    void aThreadReusesItsEncodingSpaceWithoutCarryingAnythingOver() throws Exception {
        String topic = "reuse-test-" + UUID.randomUUID();
        AvroSerde<ChatRequest> serde = new AvroSerde<>(ChatRequest.class, registry);
        ChatRequest small = request();
        byte[] onAFreshThread = java.util.concurrent.CompletableFuture.supplyAsync(() -> serde.serialize(topic, small)).get();

        // An encoding that fails half-way (a required field missing) leaves bytes in the thread's encoder ...
        ChatRequest broken = new ChatRequest();
        broken.setRequestId("req-broken");
        assertThatThrownBy(() -> serde.serialize(topic, broken)).isInstanceOf(SerializationException.class);
        // ... and a record larger than what a thread keeps grows its buffer: neither shows in the next records.
        ChatRequest large = ChatRequest.newBuilder(request())
                .setMessagesJson("[{\"role\":\"user\",\"content\":\"" + "x".repeat(200_000) + "\"}]").build();
        assertThat(serde.deserialize(topic, serde.serialize(topic, large))).isEqualTo(large);
        byte[] again = serde.serialize(topic, small);

        assertThat(again).isEqualTo(onAFreshThread);
        assertThat(serde.deserialize(topic, again)).isEqualTo(small);
    }

    @Test
    void readsRecordsWrittenWithAnOlderCompatibleSchema() throws Exception {
        String topic = "evolution-test-" + UUID.randomUUID();
        // ReplyChunk as an older writer knew it: no reasoning, no tool calls, no attempts.
        Schema older = new Schema.Parser().parse("""
                {"type": "record", "name": "ReplyChunk", "namespace": "dev.switchyard.events", "fields": [
                  {"name": "request_id", "type": "string"},
                  {"name": "attempt_id", "type": "string"},
                  {"name": "attempt", "type": "int"},
                  {"name": "seq", "type": "int"},
                  {"name": "text", "type": ["null", "string"], "default": null},
                  {"name": "final", "type": "boolean", "default": false}]}
                """);
        int id = registry.register(Topics.valueSubject(topic), older);
        GenericRecord record = new GenericData.Record(older);
        record.put("request_id", "req-old");
        record.put("attempt_id", "w1-1");
        record.put("attempt", 1);
        record.put("seq", 4);
        record.put("text", "hola");
        record.put("final", true);

        WireBytes bytes = new WireBytes(id, older, record);
        ReplyChunk chunk = new AvroSerde<>(ReplyChunk.class, registry).deserialize(topic, bytes.value());
        assertThat(chunk.getRequestId()).isEqualTo("req-old");
        assertThat(chunk.getSeq()).isEqualTo(4);
        assertThat(chunk.getText()).isEqualTo("hola");
        assertThat(chunk.getFinal$()).isTrue();
        assertThat(chunk.getToolCalls()).isEqualTo(List.of()); // the reader's default
        assertThat(chunk.getReasoning()).isNull();
    }

    @Test
    void failsLoudlyOnASchemaIdThatDoesNotFit() throws Exception {
        String topic = "mismatch-test-" + UUID.randomUUID();
        Schema other = new Schema.Parser().parse("""
                {"type": "record", "name": "ReplyChunk", "namespace": "dev.switchyard.events", "fields": [
                  {"name": "request_id", "type": "long"}]}
                """);
        int id = registry.register(Topics.valueSubject(topic), other);
        GenericRecord record = new GenericData.Record(other);
        record.put("request_id", 42L);
        byte[] value = new WireBytes(id, other, record).value();
        assertThatThrownBy(() -> new AvroSerde<>(ReplyChunk.class, registry).deserialize(topic, value))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("incompatible");
        assertThatThrownBy(() -> new AvroSerde<>(ChatRequest.class, registry).deserialize(topic, value))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is dev.switchyard.events.ReplyChunk, not dev.switchyard.events.ChatRequest");
        assertThatThrownBy(() -> new AvroSerde<>(ReplyChunk.class, registry).deserialize(topic, new byte[]{'{', '}'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not in the Confluent wire format");
    }

    /** Confluent wire-format bytes of a generic record, as another producer would write them. */
    private record WireBytes(int id, Schema schema, GenericRecord record) {
        byte[] value() throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        }
    }
}
