package dev.switchyard.metrics.report;

import dev.switchyard.metrics.report.ExperimentReport.MetricReport;
import dev.switchyard.metrics.report.ExperimentReport.Objection;
import dev.switchyard.metrics.report.ExperimentReport.Phase;
import dev.switchyard.metrics.report.ExperimentReport.RouteReport;
import dev.switchyard.metrics.report.ExperimentReport.Srm;
import dev.switchyard.metrics.report.ExperimentReport.VariantReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the report says about promoting a variant: only the winner on the primary metric, and never over an SRM. */
class PromotionObjectionTest {
    private static final Instant FROM = Instant.parse("2026-11-18T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-25T00:00:00Z");

    private static VariantReport variant(String id, String conversionVerdict, String satisfactionVerdict) {
        List<MetricReport> metrics = List.of(
                new MetricReport("conversion", "boolean", "increase", "users", 1_000, 0.1, null, null, conversionVerdict),
                new MetricReport("satisfaction", "float", "increase", "observations", 500, 4.0, null, null, satisfactionVerdict));
        return new VariantReport(id, "openai/gpt-5.2", id.equals("ctl"), true, 50, 0.5, 1_000, 1_000, 0.5, 0, 0.0, Map.of(),
                0, 0, null, null, 1.0, 0.001, 0, 1.0, 0, 0, metrics);
    }

    private static final Phase ONE_PHASE = new Phase(List.of(1L, 2L), Map.of("ctl", 34, "win", 33, "lose", 33), 3_000, FROM, TO);

    /** Route "main" (ctl, win, lose) and route "eu" whose "win" is only inconclusive; SRM and phases of "main" as given. */
    private static ExperimentReport report(boolean mainFlagged, Phase... mainPhases) {
        RouteReport main = new RouteReport("main", null, "ctl", "users", 3_000, 3_000,
                new Srm(mainFlagged ? 40 : 0.5, 2, mainFlagged ? 1e-8 : 0.7, mainFlagged, 0.001),
                mainPhases.length == 0 ? List.of(ONE_PHASE) : List.of(mainPhases), null,
                List.of(variant("ctl", "control", "control"), variant("win", "winner", "loser"), variant("lose", "loser", "winner")));
        RouteReport eu = new RouteReport("eu", "region == \"eu\"", "ctl", "users", 2_000, 2_000, null, List.of(), null,
                List.of(variant("ctl", "control", "control"), variant("win", "inconclusive", "winner")));
        return new ExperimentReport("exp", 3, FROM, TO, TO, 0.05, List.of(main, eu), Map.of());
    }

    @Test
    void theWinnerOnThePrimaryMetricMayBePromotedInItsRouteOnly() {
        assertThat(report(false).promotionObjection("main", "win", "conversion")).isNull();
        Objection eu = report(false).promotionObjection("eu", "win", "conversion");
        assertThat(eu.code()).isEqualTo("not_a_winner");
        assertThat(eu.message()).contains("route 'eu'").contains("'inconclusive'").contains("conversion").contains("force");
    }

    @Test
    void losersControlsAndWinnersOnAnotherMetricAreRefused() {
        assertThat(report(false).promotionObjection("main", "lose", "conversion").message()).contains("'loser'");
        assertThat(report(false).promotionObjection("main", "ctl", "conversion").message()).contains("'control'");
        // A winner on satisfaction is no winner when conversion is the primary metric.
        assertThat(report(false).promotionObjection("main", "lose", "conversion").code()).isEqualTo("not_a_winner");
        assertThat(report(false).promotionObjection("main", "gone", "conversion").message()).contains("not in the report");
        assertThat(report(false).promotionObjection("main", "win", null).code()).isEqualTo("not_a_winner");
    }

    @Test
    void aRouteWithASampleRatioMismatchPromotesNothing() {
        Objection srm = report(true).promotionObjection("main", "win", "conversion");
        assertThat(srm.code()).isEqualTo("sample_ratio_mismatch");
        assertThat(srm.message()).contains("Route 'main'").contains("1.0e-08").contains("force");
        assertThat(report(true).promotionObjection("eu", "win", "satisfaction")).isNull();
    }

    @Test
    void aWinnerPooledOverAWeightChangeIsNotPromoted() {
        Instant rampedAt = Instant.parse("2026-11-21T00:00:00Z");
        Objection mixed = report(false,
                new Phase(List.of(1L), Map.of("ctl", 10, "win", 45, "lose", 45), 1_000, FROM, rampedAt.minusSeconds(1)),
                new Phase(List.of(2L, 3L), Map.of("ctl", 34, "win", 33, "lose", 33), 2_000, rampedAt, TO))
                .promotionObjection("main", "win", "conversion");
        assertThat(mixed.code()).isEqualTo("mixed_phases");
        assertThat(mixed.message()).contains("\"from\": \"2026-11-21T00:00:00Z\"").contains("[2, 3]").contains("force");
    }
}
