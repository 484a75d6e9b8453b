package dev.switchyard.bench.jmh;

import dev.switchyard.core.allocation.StickyBuckets;
import dev.switchyard.engine.routing.VariantChooser;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
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

import java.util.concurrent.TimeUnit;

/** Variant choice: the sticky bucket hash alone, a sticky choice on a 50/50 route, and a random (no user) choice. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class VariantBench {
    private static final int USERS = 1024;
    private String routerId;
    private Route route;
    private String[] users;
    private int next;

    @Setup
    public void setUp() {
        RouterConfig config = BenchData.router10();
        routerId = config.getId();
        route = config.getRoutes().get(9);
        users = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            users[i] = "bench-user-" + i;
        }
    }

    private String user() {
        return users[next++ & (USERS - 1)];
    }

    @Benchmark
    public int stickyBucket() {
        return StickyBuckets.bucketOf(routerId, route.getRouteId(), user());
    }

    @Benchmark
    public Variant chooseSticky() {
        return VariantChooser.choose(routerId, route, user());
    }

    @Benchmark
    public Variant chooseRandom() {
        return VariantChooser.choose(routerId, route, null);
    }
}
