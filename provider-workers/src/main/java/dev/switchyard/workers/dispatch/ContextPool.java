package dev.switchyard.workers.dispatch;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Vert.x event-loop context per event loop, handed out round-robin: each request runs on one context (its
 * callbacks and timers never race), and requests spread over every core. Taken from a verticle deployed once per
 * event loop, because {@code getOrCreateContext()} from the consumer thread would always return the same one.
 */
final class ContextPool {
    private final List<Context> contexts = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    ContextPool(Vertx vertx, int size) {
        Future<String> deployed = vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                contexts.add(context);
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(size));
        try {
            deployed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot start the worker's event loops: " + e, e);
        }
    }

    Context next() {
        return contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
    }
}
