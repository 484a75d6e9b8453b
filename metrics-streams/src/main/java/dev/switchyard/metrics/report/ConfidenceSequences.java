package dev.switchyard.metrics.report;

/**
 * Anytime-valid asymptotic confidence sequences for means and for differences of means.
 *
 * <p>From Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas, "Time-uniform central limit theory and asymptotic
 * confidence sequences", Annals of Statistics 52(6), 2024 (arXiv:2103.06476), the asymptotic confidence sequence
 * with the Gaussian-mixture boundary (their Section 2): for i.i.d. observations with sample mean {@code μ̂_t} and sample
 * standard deviation {@code σ̂_t} after {@code t} of them,
 * <pre>
 *   μ̂_t ± σ̂_t · sqrt( 2(tρ² + 1) / (t²ρ²) · ln( sqrt(tρ² + 1) / α ) )
 * </pre>
 * covers the mean at every {@code t} simultaneously with probability at least {@code 1 − α} (asymptotically), so
 * the report may be looked at after every batch without inflating false positives. {@code ρ > 0} only shapes the
 * boundary; we choose the {@code ρ} that makes it tightest at sample size {@code t*} (the minimiser of the width
 * at {@code t*}): {@code ρ² = (−W₋₁(−α²/e) − 1) / t*}, with {@code W₋₁} the lower branch of Lambert's W function.
 *
 * <p>The difference of two variants' means (A/B test, treatment minus control) uses the same boundary with
 * {@code t = n_T + n_C} and the variance of the per-unit influence function of the difference in means,
 * {@code σ̂² = t·(σ̂_T²/n_T + σ̂_C²/n_C)} (= σ̂_T²/π̂ + σ̂_C²/(1−π̂) with π̂ the treatment's share): the paper's
 * confidence sequence for the average treatment effect of a randomised experiment (AIPW with the arm means as
 * outcome models), with the observed split in place of the known propensity.
 */
public final class ConfidenceSequences {
    private final double alpha;
    private final double rho2;

    /**
     * @param alpha      1 − coverage (0.05 for 95 %)
     * @param optimizeAt the sample size {@code t*} at which the sequence is tightest
     */
    public ConfidenceSequences(double alpha, double optimizeAt) {
        if (!(alpha > 0 && alpha < 1) || !(optimizeAt > 0)) {
            throw new IllegalArgumentException("alpha must be in (0, 1) and optimizeAt positive");
        }
        this.alpha = alpha;
        this.rho2 = optimalRho2(alpha, optimizeAt);
    }

    public double alpha() {
        return alpha;
    }

    public double rho2() {
        return rho2;
    }

    /** An interval (infinite when there is not enough data to say anything). */
    public record Interval(double estimate, double lower, double upper) {
        public boolean contains(double value) {
            return lower <= value && value <= upper;
        }

        public boolean isBounded() {
            return Double.isFinite(lower) && Double.isFinite(upper);
        }
    }

    /** The ρ² that minimises the width of the boundary at {@code t*}. */
    public static double optimalRho2(double alpha, double tStar) {
        return (-lambertWm1(-alpha * alpha / Math.E) - 1) / tStar;
    }

    /** The half-width for unit variance after {@code t} observations. */
    public double unitMargin(double t) {
        double trho2 = t * rho2;
        return Math.sqrt(2 * (trho2 + 1) / (t * t * rho2) * Math.log(Math.sqrt(trho2 + 1) / alpha));
    }

    /** The confidence sequence of a mean, at the sample's current size (see {@link #mean(SampleStats, boolean)}). */
    public Interval mean(SampleStats sample) {
        return mean(sample, false);
    }

    /**
     * The confidence sequence of a mean, at the sample's current size; unbounded below two observations, and for
     * an unbounded metric ({@code proportion} false) whose sample has no spread at all (a sample variance of 0 says
     * nothing about the variance, and would make a zero-width interval).
     *
     * @param proportion the values are 0/1 (or in [0, 1]): the variance is floored at that of a proportion
     *                   {@code (sum + ½)/(n + 1)} (see {@link #variance}), so 0 of 150 still has an upper bound above 0
     */
    public Interval mean(SampleStats sample, boolean proportion) {
        double variance = variance(sample, proportion);
        if (!(variance > 0)) {
            return new Interval(sample.n() == 0 ? Double.NaN : sample.mean(), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        double margin = Math.sqrt(variance) * unitMargin(sample.n());
        return new Interval(sample.mean(), sample.mean() - margin, sample.mean() + margin);
    }

    /** The confidence sequence of {@code mean(treatment) − mean(control)} (see {@link #difference(SampleStats, SampleStats, boolean)}). */
    public Interval difference(SampleStats treatment, SampleStats control) {
        return difference(treatment, control, false);
    }

    /** The confidence sequence of {@code mean(treatment) − mean(control)}; variances as in {@link #mean(SampleStats, boolean)}. */
    public Interval difference(SampleStats treatment, SampleStats control, boolean proportion) {
        double treatmentVariance = variance(treatment, proportion);
        double controlVariance = variance(control, proportion);
        if (!(treatmentVariance > 0 && controlVariance > 0)) {
            double estimate = treatment.n() == 0 || control.n() == 0 ? Double.NaN : treatment.mean() - control.mean();
            return new Interval(estimate, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        double t = treatment.n() + (double) control.n();
        double variance = t * (treatmentVariance / treatment.n() + controlVariance / control.n());
        double estimate = treatment.mean() - control.mean();
        double margin = Math.sqrt(variance) * unitMargin(t);
        return new Interval(estimate, estimate - margin, estimate + margin);
    }

    /**
     * The variance the boundary uses: NaN below two observations; the sample variance, for a proportion at least
     * {@code p̃(1 − p̃)} with {@code p̃ = (sum + ½)/(n + 1)} (a Jeffreys-style shrinkage: 0 of n gives about
     * {@code 1/(2n)}, not 0, and a share near 0 or 1 is not trusted to be exactly that).
     */
    static double variance(SampleStats sample, boolean proportion) {
        if (sample.n() < 2) {
            return Double.NaN;
        }
        double variance = sample.variance();
        if (proportion) {
            double shrunk = (sample.sum() + 0.5) / (sample.n() + 1.0);
            variance = Math.max(variance, shrunk * (1 - shrunk));
        }
        return variance;
    }

    /**
     * The lower branch {@code W₋₁(x)} of Lambert's W function (the solution {@code w ≤ −1} of {@code w·e^w = x}) for
     * {@code −1/e ≤ x < 0}, by Halley's iteration from the asymptotic expansion.
     */
    static double lambertWm1(double x) {
        if (!(x >= -1 / Math.E && x < 0)) {
            throw new IllegalArgumentException("W₋₁ is defined on [-1/e, 0): " + x);
        }
        double w;
        if (x > -0.25) {
            double l1 = Math.log(-x);
            double l2 = Math.log(-l1);
            w = l1 - l2 + l2 / l1;
        } else {
            w = -1 - Math.sqrt(2 * (1 + Math.E * x)); // near the branch point
        }
        for (int i = 0; i < 100; i++) {
            double ew = Math.exp(w);
            double f = w * ew - x;
            double next = w - f / (ew * (w + 1) - (w + 2) * f / (2 * w + 2));
            if (!Double.isFinite(next)) {
                break;
            }
            if (Math.abs(next - w) <= 1e-14 * Math.abs(next)) {
                return next;
            }
            w = next;
        }
        return w;
    }
}
