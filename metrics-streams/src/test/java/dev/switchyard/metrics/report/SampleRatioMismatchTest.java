package dev.switchyard.metrics.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SampleRatioMismatchTest {

    @Test
    void chiSquareTailMatchesTheTables() {
        assertThat(SampleRatioMismatch.chiSquareSurvival(3.841458820694124, 1)).isCloseTo(0.05, within(1e-9));
        assertThat(SampleRatioMismatch.chiSquareSurvival(10.827566170662733, 1)).isCloseTo(0.001, within(1e-9));
        assertThat(SampleRatioMismatch.chiSquareSurvival(5.991464547107979, 2)).isCloseTo(0.05, within(1e-9));
        assertThat(SampleRatioMismatch.chiSquareSurvival(18.307038053275146, 10)).isCloseTo(0.05, within(1e-9));
        assertThat(SampleRatioMismatch.chiSquareSurvival(0.5, 3)).isCloseTo(0.9188914, within(1e-6));
        assertThat(SampleRatioMismatch.chiSquareSurvival(0, 1)).isEqualTo(1);
    }

    @Test
    void aSplitThatMatchesTheWeightsIsNotFlagged() {
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[]{5_000, 5_000}, new double[]{50, 50}, 0.001);
        assertThat(r.chiSquare()).isZero();
        assertThat(r.pValue()).isEqualTo(1);
        assertThat(r.flagged()).isFalse();
        assertThat(SampleRatioMismatch.test(new long[]{9_030, 970}, new double[]{90, 10}, 0.001).flagged()).isFalse();
    }

    @Test
    void aSplitFarFromTheWeightsIsFlagged() {
        // 5,200 vs 4,800 against 50/50: chi-square 16; exact two-sided binomial p = 6.5935e-5 (scipy: 2·binom.sf(5199, 10000, 0.5)).
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[]{5_200, 4_800}, new double[]{50, 50}, 0.001);
        assertThat(r.chiSquare()).isCloseTo(16, within(1e-9));
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.pValue()).isCloseTo(6.593515598672343e-5, within(1e-12));
        assertThat(r.flagged()).isTrue();
        assertThat(SampleRatioMismatch.test(new long[]{3_600, 3_200, 3_200}, new double[]{1, 1, 1}, 0.001).flagged()).isTrue();
    }

    @Test
    void binomialTailsMatchScipy() {
        assertThat(SampleRatioMismatch.binomialAtLeast(13, 500, 0.01)).isCloseTo(0.0019004931838831698, within(1e-15));
        assertThat(SampleRatioMismatch.binomialTwoSided(970, 10_000, 0.1)).isCloseTo(0.32550229760553356, within(1e-10));
        assertThat(SampleRatioMismatch.binomialTwoSided(1, 5, 0.01)).isCloseTo(0.0980199002, within(1e-12));
    }

    @Test
    void oneOfFiveUsersInAOnePercentCanaryIsNoMismatch() {
        // Pearson's chi-square says p = 2e-5 here (chi-square 0.95²/4.95 + 0.95²/0.05); the exact p-value is 0.098.
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[]{4, 1}, new double[]{99, 1}, 0.001);
        assertThat(r.chiSquare()).isCloseTo(0.95 * 0.95 / 4.95 + 0.95 * 0.95 / 0.05, within(1e-9));
        assertThat(SampleRatioMismatch.chiSquareSurvival(r.chiSquare(), 1)).isLessThan(0.001);
        assertThat(r.pValue()).isCloseTo(0.0980199002, within(1e-12));
        assertThat(r.flagged()).isFalse();
    }

    /** Every possible split of n units under correct assignment, weighted by its probability: the flag's false-alarm rate. */
    @Test
    void theFalseFlagRateStaysBelowTheThresholdAtEverySmallSampleSize() {
        double threshold = SampleRatioMismatch.DEFAULT_THRESHOLD;
        double worst = 0;
        for (double share : new double[]{0.01, 0.05, 0.1, 0.3, 0.5}) {
            for (int n = 1; n <= 600; n++) {
                double pmf = Math.pow(1 - share, n); // P(X = 0), X ~ Binomial(n, share): units in the smaller variant
                double falseFlags = 0;
                for (int x = 0; x <= n; x++) {
                    if (SampleRatioMismatch.test(new long[]{n - x, x}, new double[]{1 - share, share}, threshold).flagged()) {
                        falseFlags += pmf;
                    }
                    pmf *= (double) (n - x) / (x + 1) * share / (1 - share);
                }
                assertThat(falseFlags).as("share %s, n %d", share, n).isLessThanOrEqualTo(threshold);
                worst = Math.max(worst, falseFlags);
            }
        }
        assertThat(worst).as("the flag still fires at all").isGreaterThan(threshold / 10);
    }

    @Test
    void theFalseFlagRateOfThreeVariantsStaysBelowTheThreshold() {
        double threshold = SampleRatioMismatch.DEFAULT_THRESHOLD;
        double[] shares = {0.02, 0.18, 0.8};
        double[] logFactorial = new double[121];
        for (int i = 1; i < logFactorial.length; i++) {
            logFactorial[i] = logFactorial[i - 1] + Math.log(i);
        }
        for (int n = 1; n <= 120; n++) {
            double falseFlags = 0;
            for (int a = 0; a <= n; a++) {
                for (int b = 0; a + b <= n; b++) {
                    int c = n - a - b;
                    if (SampleRatioMismatch.test(new long[]{a, b, c}, shares, threshold).flagged()) {
                        falseFlags += Math.exp(logFactorial[n] - logFactorial[a] - logFactorial[b] - logFactorial[c]
                                + a * Math.log(shares[0]) + b * Math.log(shares[1]) + c * Math.log(shares[2]));
                    }
                }
            }
            assertThat(falseFlags).as("n %d", n).isLessThanOrEqualTo(threshold);
        }
    }

    @Test
    void variantsWithoutWeightAreLeftOutAndOneWeightedVariantHasNothingToTest() {
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[]{500, 500, 40}, new double[]{50, 50, 0}, 0.001);
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.flagged()).isFalse();
        assertThat(SampleRatioMismatch.test(new long[]{100, 3}, new double[]{100, 0}, 0.001)).isNull();
        assertThat(SampleRatioMismatch.test(new long[]{0, 0}, new double[]{50, 50}, 0.001)).isNull();
    }
}
