package dev.switchyard.bench.jmh;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.engine.routing.CompiledRouter;
import dev.switchyard.engine.routing.RequestRouter;
import dev.switchyard.engine.routing.RoutingDecision;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.serde.EventSerdes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Avro serde (schemas' {@code AvroSerde}, Confluent wire format) of the records on the hot path: a typical
 * ChatRequest (~1 KB of messages, 6 metadata keys), the Dispatch that wraps it, a mid-stream ReplyChunk and an
 * attempt's first chunk. The registry is a loopback stub ({@link RegistryStub}); ids are cached after the first call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class AvroSerdeBench {
    private RegistryStub registry;
    private EventSerdes serdes;
    private ChatRequest request;
    private Dispatch dispatch;
    private ReplyChunk chunk;
    private ReplyChunk firstChunk;
    private byte[] requestBytes;
    private byte[] dispatchBytes;
    private byte[] chunkBytes;
    private byte[] firstChunkBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = new RegistryStub();
        serdes = new EventSerdes(registry.url());
        RouterConfig config = BenchData.router10();
        request = BenchData.request("router/" + config.getId(), BenchData.fullMetadata());
        CompiledRouter router = CompiledRouter.compile(config);
        dispatch = ((RoutingDecision.Routed) new RequestRouter(ModelCatalog.load(List.of()), id -> router)
                .route(request, Instant.now())).dispatch();
        chunk = BenchData.textChunk();
        firstChunk = BenchData.firstChunk();
        requestBytes = serdes.requests.serialize(Topics.REQUESTS, request);
        dispatchBytes = serdes.dispatch.serialize(Topics.DISPATCH, dispatch);
        chunkBytes = serdes.replies.serialize(Topics.REPLIES, chunk);
        firstChunkBytes = serdes.replies.serialize(Topics.REPLIES, firstChunk);
        serdes.requests.deserialize(Topics.REQUESTS, requestBytes);
        serdes.dispatch.deserialize(Topics.DISPATCH, dispatchBytes);
        serdes.replies.deserialize(Topics.REPLIES, chunkBytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public byte[] serializeChatRequest() {
        return serdes.requests.serialize(Topics.REQUESTS, request);
    }

    @Benchmark
    public ChatRequest deserializeChatRequest() {
        return serdes.requests.deserialize(Topics.REQUESTS, requestBytes);
    }

    @Benchmark
    public byte[] serializeDispatch() {
        return serdes.dispatch.serialize(Topics.DISPATCH, dispatch);
    }

    @Benchmark
    public Dispatch deserializeDispatch() {
        return serdes.dispatch.deserialize(Topics.DISPATCH, dispatchBytes);
    }

    @Benchmark
    public byte[] serializeReplyChunk() {
        return serdes.replies.serialize(Topics.REPLIES, chunk);
    }

    @Benchmark
    public ReplyChunk deserializeReplyChunk() {
        return serdes.replies.deserialize(Topics.REPLIES, chunkBytes);
    }

    @Benchmark
    public byte[] serializeFirstReplyChunk() {
        return serdes.replies.serialize(Topics.REPLIES, firstChunk);
    }

    @Benchmark
    public ReplyChunk deserializeFirstReplyChunk() {
        return serdes.replies.deserialize(Topics.REPLIES, firstChunkBytes);
    }
}
