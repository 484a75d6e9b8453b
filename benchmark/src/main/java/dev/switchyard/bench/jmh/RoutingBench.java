package dev.switchyard.bench.jmh;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.core.cel.ConditionVariables;
import dev.switchyard.engine.routing.CompiledRouter;
import dev.switchyard.engine.routing.RequestFacts;
import dev.switchyard.engine.routing.RequestRouter;
import dev.switchyard.engine.routing.RoutingDecision;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CEL routing of a router with 10 routes (routing-engine's {@link CompiledRouter} over router-core's compiled
 * conditions), where only the last route matches, so every condition is evaluated: with every metadata key present,
 * and with only the matching one (the others meet absent variables, which CEL reports as errors that count as false).
 * {@code routeRequest} is the engine's whole decision for one request: CEL variables, request facts (a scan of
 * messages_json), route, sticky variant, fallback chain and the Dispatch record.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class RoutingBench {
    private CompiledRouter router;
    private Map<String, Object> fullVariables;
    private Map<String, Object> sparseVariables;
    private RequestRouter requestRouter;
    private ChatRequest request;

    @Setup
    public void setUp() {
        RouterConfig config = BenchData.router10();
        router = CompiledRouter.compile(config);
        ChatRequest full = BenchData.request("router/" + config.getId(), BenchData.fullMetadata());
        fullVariables = ConditionVariables.of(full.getMetadata(), RequestFacts.of(full));
        ChatRequest sparse = BenchData.request("router/" + config.getId(), BenchData.sparseMetadata());
        sparseVariables = ConditionVariables.of(sparse.getMetadata(), RequestFacts.of(sparse));
        request = full;
        requestRouter = new RequestRouter(ModelCatalog.load(List.of()), id -> router);
        check(router.selectRoute(fullVariables), config);
        check(router.selectRoute(sparseVariables), config);
        if (!(requestRouter.route(request, Instant.now()) instanceof RoutingDecision.Routed)) {
            throw new IllegalStateException("the benchmark request is not routed");
        }
    }

    private static void check(Route route, RouterConfig config) {
        if (route != config.getRoutes().get(9)) {
            throw new IllegalStateException("the benchmark metadata must match the 10th route");
        }
    }

    @Benchmark
    public Route selectRoute10_allKeysPresent() {
        return router.selectRoute(fullVariables);
    }

    @Benchmark
    public Route selectRoute10_absentKeys() {
        return router.selectRoute(sparseVariables);
    }

    @Benchmark
    public RoutingDecision routeRequest() {
        return requestRouter.route(request, Instant.now());
    }
}
