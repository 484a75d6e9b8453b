package dev.switchyard.workers.failover;

import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.workers.health.HealthBook;
import dev.switchyard.workers.metrics.WorkerMetrics;
import dev.switchyard.workers.providers.ProviderAdapters;
import dev.switchyard.workers.providers.ProviderRegistry;
import dev.switchyard.workers.replies.Coalescing;
import dev.switchyard.workers.replies.ReplySink;
import io.vertx.core.Vertx;

import java.time.Clock;

/** What every request execution shares: the worker's collaborators, built once by the service. */
public record WorkerRuntime(Vertx vertx, ModelCatalog catalog, ProviderRegistry providers, ProviderAdapters adapters,
                            ReplySink publisher, HealthBook health, AttemptIds attemptIds,
                            WorkerMetrics metrics, Clock clock, Coalescing coalescing) {
}
