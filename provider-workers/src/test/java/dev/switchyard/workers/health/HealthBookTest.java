package dev.switchyard.workers.health;

import dev.switchyard.events.BreakerState;
import dev.switchyard.events.ProviderHealth;
import dev.switchyard.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The circuit breaker and its sharing between workers, on a clock the test moves. */
class HealthBookTest {
    private static final String MODEL = "openai/gpt-5.2";
    private static final HealthSettings SETTINGS = new HealthSettings(3, 0.5, 4, Duration.ofSeconds(60), Duration.ofSeconds(30));

    private final MutableClock clock = new MutableClock();
    /** What every book published, in order: the provider.health topic. */
    private final List<ProviderHealth> topic = new ArrayList<>();
    /** Worker w1's meters; every other worker has its own registry, as each worker process does. */
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private HealthBook book(String worker) {
        SimpleMeterRegistry registry = worker.equals("w1") ? meters : new SimpleMeterRegistry();
        return new HealthBook(worker, SETTINGS, clock, topic::add, new WorkerMetrics(registry));
    }

    @Test
    void consecutiveFailuresOpenTheCircuitThenOneProbeAfterTheCoolDownClosesIt() {
        HealthBook book = book("w1");
        book.failure(MODEL, false, "500");
        book.failure(MODEL, false, "500");
        assertThat(book.admit(MODEL).kind()).isEqualTo(Admission.Kind.ALLOW);
        book.failure(MODEL, false, "500");

        Admission open = book.admit(MODEL);
        assertThat(open.kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);
        assertThat(open.until()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(topic).singleElement().satisfies(r -> {
            assertThat(r.getState()).isEqualTo(BreakerState.OPEN);
            assertThat(r.getConsecutiveFailures()).isEqualTo(3);
            assertThat(r.getReason()).startsWith("3 consecutive failures");
            assertThat(r.getObservedBy()).isEqualTo("w1");
        });
        assertThat(gauge("switchyard.worker.breaker.state")).isEqualTo(2);
        assertThat(gauge("switchyard.worker.provider.available")).isZero();

        clock.advance(Duration.ofSeconds(30));
        assertThat(book.callable(MODEL)).isTrue();
        assertThat(book.admit(MODEL).kind()).isEqualTo(Admission.Kind.PROBE);
        assertThat(book.admit(MODEL).kind()).as("only one probe at a time").isEqualTo(Admission.Kind.CIRCUIT_OPEN);
        assertThat(topic.get(topic.size() - 1).getState()).isEqualTo(BreakerState.HALF_OPEN);

        book.success(MODEL, true);
        assertThat(book.admit(MODEL).kind()).isEqualTo(Admission.Kind.ALLOW);
        ProviderHealth closed = topic.get(topic.size() - 1);
        assertThat(closed.getState()).isEqualTo(BreakerState.CLOSED);
        assertThat(closed.getOpenUntil()).isNull();
        assertThat(gauge("switchyard.worker.breaker.state")).isZero();
    }

    @Test
    void aFailedProbeOpensTheCircuitAgainAndAnAbandonedProbeLetsTheNextRequestProbe() {
        HealthBook book = book("w1");
        for (int i = 0; i < 3; i++) {
            book.failure(MODEL, false, "timeout");
        }
        clock.advance(Duration.ofSeconds(31));
        assertThat(book.admit(MODEL).probe()).isTrue();
        book.abandoned(MODEL, true); // e.g. the request was cancelled by its client
        assertThat(book.admit(MODEL).probe()).isTrue();
        book.failure(MODEL, true, "502");

        Admission again = book.admit(MODEL);
        assertThat(again.kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);
        assertThat(again.until()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(again.reason()).startsWith("the probe request failed");
    }

    @Test
    void anErrorRateOverTheWindowOpensTheCircuitEvenWithoutAStreakOfFailures() {
        HealthBook book = book("w1");
        book.failure(MODEL, false, "500");
        book.success(MODEL, false);
        book.failure(MODEL, false, "500");
        assertThat(book.admit(MODEL).allowed()).isTrue(); // 2 of 3: below the minimum of 4 calls
        book.failure(MODEL, false, "500");
        assertThat(book.admit(MODEL).kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);
        assertThat(topic.get(0).getReason()).startsWith("3 of the last 4 calls failed");
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() {
        HealthBook book = book("w1");
        book.failure(MODEL, false, "500");
        book.success(MODEL, false);
        book.failure(MODEL, false, "500");
        clock.advance(Duration.ofSeconds(61));
        book.success(MODEL, false);
        book.failure(MODEL, false, "500");
        assertThat(book.admit(MODEL).allowed()).isTrue();
        assertThat(topic).isEmpty();
    }

    @Test
    void everyWorkerSkipsAModelAnotherWorkerFoundDownAndAnyWorkersSuccessfulProbeReopensItForAll() {
        HealthBook w1 = book("w1");
        HealthBook w2 = book("w2");
        for (int i = 0; i < 3; i++) {
            w1.failure(MODEL, false, "connection refused");
        }
        deliver(w1, w2);
        assertThat(w2.admit(MODEL).kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);
        assertThat(w2.admit(MODEL).reason()).contains("connection refused");

        clock.advance(Duration.ofSeconds(30));
        assertThat(w2.admit(MODEL).probe()).isTrue();
        deliver(w1, w2);
        // w2 announced its probe: w1 keeps skipping the model meanwhile instead of probing as well.
        assertThat(w1.admit(MODEL).kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);

        clock.advance(Duration.ofSeconds(1));
        w2.success(MODEL, true);
        deliver(w1, w2);
        assertThat(w1.admit(MODEL).kind()).isEqualTo(Admission.Kind.ALLOW);
        assertThat(w1.state(MODEL)).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void aRecordOlderThanTheWorkersOwnLastDecisionIsIgnored() {
        HealthBook w1 = book("w1");
        ProviderHealth staleClose = ProviderHealth.newBuilder().setModelId(MODEL).setState(BreakerState.CLOSED)
                .setObservedBy("w2").setObservedAt(clock.instant()).build();
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            w1.failure(MODEL, false, "500");
        }
        w1.apply(staleClose); // observed before w1 opened the circuit: consumed late, must not close it
        assertThat(w1.admit(MODEL).kind()).isEqualTo(Admission.Kind.CIRCUIT_OPEN);
    }

    @Test
    void aRetryAfterIsSharedWithoutOpeningTheCircuit() {
        HealthBook w1 = book("w1");
        HealthBook w2 = book("w2");
        Instant until = clock.instant().plusSeconds(2);
        w1.retryAfter(MODEL, until, "Retry-After 2s (429)");
        deliver(w1, w2);

        Admission skipped = w2.admit(MODEL);
        assertThat(skipped.kind()).isEqualTo(Admission.Kind.RETRY_AFTER);
        assertThat(skipped.until()).isEqualTo(until);
        assertThat(w2.state(MODEL)).isEqualTo(BreakerState.CLOSED);
        assertThat(topic).singleElement().satisfies(r -> {
            assertThat(r.getState()).isEqualTo(BreakerState.CLOSED);
            assertThat(r.getOpenUntil()).isEqualTo(until);
        });
        clock.advance(Duration.ofSeconds(2));
        assertThat(w2.admit(MODEL).kind()).isEqualTo(Admission.Kind.ALLOW);
    }

    /** Every record on the topic goes to both books, as each worker's consumer reads them all. */
    private void deliver(HealthBook... books) {
        for (ProviderHealth record : topic) {
            for (HealthBook book : books) {
                book.apply(record);
            }
        }
    }

    private double gauge(String name) {
        return meters.get(name).tag("model", MODEL).gauge().value();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
