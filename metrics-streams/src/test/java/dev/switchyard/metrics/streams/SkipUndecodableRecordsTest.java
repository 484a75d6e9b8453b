package dev.switchyard.metrics.streams;

import dev.switchyard.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SkipUndecodableRecordsTest {
    private static final ErrorHandlerContext CONTEXT = new ErrorHandlerContext() {
        public String topic() { return "llm.completions"; }
        public int partition() { return 0; }
        public long offset() { return 42; }
        public Headers headers() { return new RecordHeaders(); }
        public String processorNodeId() { return "completions"; }
        public TaskId taskId() { return new TaskId(0, 0); }
        public long timestamp() { return 0; }
        public byte[] sourceRawKey() { return null; }
        public byte[] sourceRawValue() { return null; }
    };
    private static final ConsumerRecord<byte[], byte[]> RECORD = new ConsumerRecord<>("llm.completions", 0, 42, null, new byte[]{1});

    @Test
    void aRecordThatCanNeverBeDecodedIsSkipped() {
        DeserializationExceptionHandler.Response r = new SkipUndecodableRecords().handleError(CONTEXT, RECORD,
                new SerializationException("not the Confluent wire format"));
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    }

    @Test
    void aRegistryOutageFailsTheThreadInsteadOfSkippingRecords() {
        DeserializationExceptionHandler.Response r = new SkipUndecodableRecords().handleError(CONTEXT, RECORD,
                new SerializationException("wrapped", new SchemaRegistryException("registry unreachable")));
        assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    }
}
