package dev.switchyard.metrics.report;

import dev.switchyard.events.MetricDirection;
import org.junit.jupiter.api.Test;

import static dev.switchyard.metrics.report.ExperimentReports.INCONCLUSIVE;
import static dev.switchyard.metrics.report.ExperimentReports.LOSER;
import static dev.switchyard.metrics.report.ExperimentReports.WINNER;
import static org.assertj.core.api.Assertions.assertThat;

class VerdictTest {
    private static final ConfidenceSequences.Interval UP = new ConfidenceSequences.Interval(0.05, 0.01, 0.09);
    private static final ConfidenceSequences.Interval DOWN = new ConfidenceSequences.Interval(-0.05, -0.09, -0.01);
    private static final ConfidenceSequences.Interval UNSURE = new ConfidenceSequences.Interval(0.05, -0.01, 0.11);

    @Test
    void aHigherIsBetterMetricWinsWhenTheWholeSequenceIsAboveZero() {
        assertThat(ExperimentReports.verdict(MetricDirection.INCREASE, UP, 1_000, 1_000, 100)).isEqualTo(WINNER);
        assertThat(ExperimentReports.verdict(MetricDirection.INCREASE, DOWN, 1_000, 1_000, 100)).isEqualTo(LOSER);
        assertThat(ExperimentReports.verdict(MetricDirection.INCREASE, UNSURE, 1_000, 1_000, 100)).isEqualTo(INCONCLUSIVE);
    }

    @Test
    void aLowerIsBetterMetricHonoursItsDirection() {
        assertThat(ExperimentReports.verdict(MetricDirection.DECREASE, DOWN, 1_000, 1_000, 100)).isEqualTo(WINNER);
        assertThat(ExperimentReports.verdict(MetricDirection.DECREASE, UP, 1_000, 1_000, 100)).isEqualTo(LOSER);
    }

    @Test
    void tooFewUnitsInEitherArmIsInconclusive() {
        assertThat(ExperimentReports.verdict(MetricDirection.INCREASE, UP, 99, 1_000, 100)).isEqualTo(INCONCLUSIVE);
        assertThat(ExperimentReports.verdict(MetricDirection.INCREASE, UP, 1_000, 99, 100)).isEqualTo(INCONCLUSIVE);
    }
}
