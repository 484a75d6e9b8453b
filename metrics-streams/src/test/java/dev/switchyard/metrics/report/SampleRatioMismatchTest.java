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
        // 5,200 vs 4,800 against 50/50: chi-square 16, p ≈ 6.3e-5.
        SampleRatioMismatch.Result r = SampleRatioMismatch.test(new long[]{5_200, 4_800}, new double[]{50, 50}, 0.001);
        assertThat(r.chiSquare()).isCloseTo(16, within(1e-9));
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.pValue()).isCloseTo(6.334e-5, within(1e-7));
        assertThat(r.flagged()).isTrue();
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
