package dev.switchyard.schemas.serde;

import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serde for generated Avro classes in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id,
 * then the Avro binary body. The writer registers its schema under {@code <topic>-value}; the reader fetches the
 * writer's schema by id and resolves it against its own, so a consumer reads records written with an older
 * (compatible) schema. An id whose schema cannot be resolved against the reader's fails loudly.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    static final byte MAGIC_BYTE = 0;

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaRegistryClient registry;
    private final Map<String, Integer> writerIdByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;

    public AvroSerde(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.registry = registry;
        this.writer = new SpecificDatumWriter<>(readerSchema);
    }

    public Class<T> type() {
        return type;
    }

    /** Registers this type's schema for {@code topic} now, so the first send doesn't pay for it. */
    public int registerFor(String topic) {
        return writerIdByTopic.computeIfAbsent(topic, t -> registry.register(Topics.valueSubject(t), readerSchema));
    }

    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null; // tombstone
        }
        int id = registerFor(topic);
        AvroScratch out = AvroScratch.get();
        BinaryEncoder encoder = out.startEncoding();
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            out.dropEncoder();
            throw new SerializationException("cannot serialise " + type.getSimpleName() + " for " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // tombstone
        }
        if (data.length < 5 || data[0] != MAGIC_BYTE) {
            throw new SerializationException("record on " + topic + " is not in the Confluent wire format (magic byte "
                    + (data.length == 0 ? "missing" : data[0]) + ")");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        DatumReader<T> reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
        try {
            return reader.read(null, AvroScratch.get().decoder(data, 5, data.length - 5));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic
                    + " with writer schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private DatumReader<T> readerFor(int writerId) {
        Schema writerSchema = registry.schemaById(writerId);
        if (!writerSchema.getFullName().equals(readerSchema.getFullName())) {
            throw new SerializationException("schema id " + writerId + " is " + writerSchema.getFullName()
                    + ", not " + readerSchema.getFullName() + ": wrong registry, or a registry that lost its data");
        }
        // Fail here, loudly, rather than decode garbage, when the writer's schema can't be resolved against ours.
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException("writer schema id " + writerId + " is incompatible with "
                    + readerSchema.getFullName() + ": " + compatibility.getDescription());
        }
        return new SpecificDatumReader<>(writerSchema, readerSchema);
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }
}
