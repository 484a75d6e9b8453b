package dev.switchyard.metrics.report;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The confidence sequences, by simulation: coverage at every sample size at once, the false-positive rate of an
 * A/A test watched after every batch, and the power to find a 10 % → 12 % conversion lift.
 */
class ConfidenceSequencesTest {
    private static final double ALPHA = 0.05;
    private final ConfidenceSequences cs = new ConfidenceSequences(ALPHA, 10_000);

    @Test
    void lambertWm1SolvesWTimesExpWOnTheLowerBranch() {
        for (double x : new double[]{-1 / Math.E, -0.3, -0.1, -0.01, -ALPHA * ALPHA / Math.E, -1e-10}) {
            double w = ConfidenceSequences.lambertWm1(x);
            assertThat(w).isLessThanOrEqualTo(-1 + 1e-6);
            assertThat(w * Math.exp(w)).isCloseTo(x, within(Math.abs(x) * 1e-9 + 1e-15));
        }
    }

    @Test
    void rhoIsChosenToMakeTheSequenceTightestAtTheTargetSampleSize() {
        double tStar = 10_000;
        double best = cs.unitMargin(tStar);
        for (double factor : new double[]{0.5, 0.8, 0.95, 1.05, 1.25, 2}) {
            ConfidenceSequences other = new ConfidenceSequences(ALPHA, tStar * factor);
            assertThat(other.unitMargin(tStar)).isGreaterThan(best);
        }
        // Wider than a fixed-sample 95 % interval (1.96 / sqrt(t)) everywhere: that is the price of peeking.
        for (double t : new double[]{10, 100, 1_000, 10_000, 100_000, 1_000_000}) {
            assertThat(cs.unitMargin(t)).isGreaterThan(1.96 / Math.sqrt(t));
        }
        assertThat(cs.unitMargin(1_000_000)).isLessThan(cs.unitMargin(10_000));
    }

    @Test
    void theMeansSequenceCoversTheTrueMeanAtAllTimesSimultaneously() {
        SplittableRandom random = new SplittableRandom(1);
        int runs = 1_000;
        int missed = 0;
        int naiveMissed = 0;
        double p = 0.3;
        for (int run = 0; run < runs; run++) {
            SampleStats s = new SampleStats(0, 0, 0);
            boolean miss = false;
            boolean naiveMiss = false;
            for (int n = 1; n <= 5_000; n++) {
                s = s.plus(random.nextDouble() < p ? 1 : 0);
                if (n % 50 == 0) {
                    miss |= !cs.mean(s).contains(p);
                    double half = 1.96 * Math.sqrt(s.variance() / n);
                    naiveMiss |= Math.abs(s.mean() - p) > half;
                }
            }
            missed += miss ? 1 : 0;
            naiveMissed += naiveMiss ? 1 : 0;
        }
        double miscoverage = (double) missed / runs;
        System.out.printf("CS miscoverage over 100 looks: %.3f (fixed-sample CI: %.3f)%n", miscoverage, (double) naiveMissed / runs);
        assertThat(miscoverage).isLessThanOrEqualTo(ALPHA);
        assertThat((double) naiveMissed / runs).isGreaterThan(2 * ALPHA); // why a CS is needed at all
    }

    /** Outcome of one simulated experiment watched after every batch of users. */
    private record Watched(boolean winnerDeclared, boolean loserDeclared, long usersAtDecision) {
    }

    private static Watched watch(SplittableRandom random, double controlRate, double treatmentRate, int maxUsers, int batch,
                                 ConfidenceSequences cs, boolean naive) {
        SampleStats control = new SampleStats(0, 0, 0);
        SampleStats treatment = new SampleStats(0, 0, 0);
        for (int user = 1; user <= maxUsers; user++) {
            if (random.nextBoolean()) {
                treatment = treatment.plus(random.nextDouble() < treatmentRate ? 1 : 0);
            } else {
                control = control.plus(random.nextDouble() < controlRate ? 1 : 0);
            }
            if (user % batch != 0 || control.n() < 100 || treatment.n() < 100) {
                continue;
            }
            ConfidenceSequences.Interval d;
            if (naive) {
                double est = treatment.mean() - control.mean();
                double half = 1.96 * Math.sqrt(treatment.variance() / treatment.n() + control.variance() / control.n());
                d = new ConfidenceSequences.Interval(est, est - half, est + half);
            } else {
                d = cs.difference(treatment, control);
            }
            if (d.lower() > 0) {
                return new Watched(true, false, user);
            }
            if (d.upper() < 0) {
                return new Watched(false, true, user);
            }
        }
        return new Watched(false, false, maxUsers);
    }

    @Test
    void anAaTestWatchedAfterEveryBatchKeepsItsFalsePositiveRateBelowAlpha() {
        SplittableRandom random = new SplittableRandom(2);
        int runs = 1_000;
        int falsePositives = 0;
        int naiveFalsePositives = 0;
        for (int run = 0; run < runs; run++) {
            Watched w = watch(random, 0.10, 0.10, 20_000, 200, cs, false);
            falsePositives += w.winnerDeclared() || w.loserDeclared() ? 1 : 0;
            Watched naive = watch(random, 0.10, 0.10, 20_000, 200, cs, true);
            naiveFalsePositives += naive.winnerDeclared() || naive.loserDeclared() ? 1 : 0;
        }
        double rate = (double) falsePositives / runs;
        double naiveRate = (double) naiveFalsePositives / runs;
        System.out.printf("A/A, 100 looks at up to 20,000 users: false-positive rate %.3f with the confidence sequence, %.3f with a fixed-sample test%n",
                rate, naiveRate);
        assertThat(rate).isLessThanOrEqualTo(ALPHA);
        assertThat(naiveRate).isGreaterThan(2 * ALPHA);
    }

    @Test
    void findsTheWinnerOfATenVersusTwelvePercentConversionTestWithEnoughUsers() {
        SplittableRandom random = new SplittableRandom(3);
        int runs = 200;
        int winners = 0;
        int losers = 0;
        long usersAtDecision = 0;
        for (int run = 0; run < runs; run++) {
            Watched w = watch(random, 0.10, 0.12, 60_000, 1_000, cs, false);
            winners += w.winnerDeclared() ? 1 : 0;
            losers += w.loserDeclared() ? 1 : 0;
            usersAtDecision += w.usersAtDecision();
        }
        System.out.printf("10%% vs 12%%: winner found in %d/%d runs within 60,000 users (mean users at decision %d)%n",
                winners, runs, usersAtDecision / runs);
        assertThat(losers).isZero();
        assertThat((double) winners / runs).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void aSequenceWithoutEnoughDataIsUnbounded() {
        assertThat(cs.mean(SampleStats.of(1)).isBounded()).isFalse();
        assertThat(cs.difference(SampleStats.of(1, 0, 1), SampleStats.of()).isBounded()).isFalse();
        ConfidenceSequences.Interval i = cs.mean(SampleStats.bernoulli(1_000, 300));
        assertThat(i.estimate()).isEqualTo(0.3);
        assertThat(i.lower()).isLessThan(0.3);
        assertThat(i.upper()).isGreaterThan(0.3);
        assertThat(i.upper() - 0.3).isCloseTo(0.3 - i.lower(), within(1e-12));
    }

    @Test
    void noSuccessesAmong150IsNoCertaintyOfZero() {
        // The sample variance of 150 zeros is 0: without the proportion floor the sequence was [0, 0].
        assertThat(SampleStats.bernoulli(150, 0).variance()).isZero();
        ConfidenceSequences.Interval none = cs.mean(SampleStats.bernoulli(150, 0), true);
        assertThat(none.estimate()).isZero();
        assertThat(none.upper()).isGreaterThan(0.005);
        ConfidenceSequences.Interval all = cs.mean(SampleStats.bernoulli(150, 150), true);
        assertThat(all.lower()).isLessThan(0.995);
        // Two arms with no successes: the difference is not known to be exactly 0 either.
        ConfidenceSequences.Interval diff = cs.difference(SampleStats.bernoulli(150, 0), SampleStats.bernoulli(150, 0), true);
        assertThat(diff.isBounded()).isTrue();
        assertThat(diff.upper()).isGreaterThan(0.005);
        assertThat(diff.lower()).isLessThan(-0.005);
        // Away from 0 and 1 the floor changes nothing.
        assertThat(cs.mean(SampleStats.bernoulli(1_000, 300), true)).isEqualTo(cs.mean(SampleStats.bernoulli(1_000, 300)));
    }

    @Test
    void anUnboundedMetricWithoutSpreadHasNoBounds() {
        // Satisfaction 4.0 from every one of 200 users says nothing about how much it varies.
        double[] fours = new double[200];
        java.util.Arrays.fill(fours, 4.0);
        ConfidenceSequences.Interval i = cs.mean(SampleStats.of(fours));
        assertThat(i.estimate()).isEqualTo(4.0);
        assertThat(i.isBounded()).isFalse();
        assertThat(cs.difference(SampleStats.of(fours), SampleStats.of(1, 2, 3, 4, 5)).isBounded()).isFalse();
    }
}
