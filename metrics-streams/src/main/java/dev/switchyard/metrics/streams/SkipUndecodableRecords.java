package dev.switchyard.metrics.streams;

import dev.switchyard.schemas.registry.SchemaRegistryException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * A record that can never be decoded (not the wire format, a schema that doesn't resolve) is logged and skipped,
 * so one bad producer doesn't stop every experiment's metrics. An unreachable or failing registry is not the
 * record's fault: that fails the stream thread (it is replaced and retries), so nothing is skipped because of it.
 */
public final class SkipUndecodableRecords implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipUndecodableRecords.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException) {
                LOG.error("schema registry failed while decoding {}-{}@{}: {}", context.topic(), context.partition(),
                        context.offset(), t.getMessage());
                return Response.fail();
            }
        }
        LOG.warn("skipping undecodable record {}-{}@{}: {}", context.topic(), context.partition(), context.offset(),
                exception.getMessage());
        return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
