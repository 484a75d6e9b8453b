package dev.switchyard.metrics.report;

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness-of-fit test of the observed split of units (users, or
 * requests when there are no user ids) across variants against the configured weights. A tiny p-value means the
 * assignment or the logging is broken (users lost or double counted in one variant), and every other number of
 * the experiment is suspect; the conventional flag is p &lt; 0.001.
 */
public final class SampleRatioMismatch {
    public static final double DEFAULT_THRESHOLD = 0.001;

    private SampleRatioMismatch() {
    }

    public record Result(double chiSquare, int degreesOfFreedom, double pValue, boolean flagged) {
    }

    /**
     * @param observed units per variant
     * @param weights  configured weights (any scale); variants with weight 0 are left out of the test
     * @return null when there is nothing to test (fewer than two weighted variants, or no units)
     */
    public static Result test(long[] observed, double[] weights, double threshold) {
        if (observed.length != weights.length) {
            throw new IllegalArgumentException("one weight per variant");
        }
        double totalWeight = 0;
        long total = 0;
        int k = 0;
        for (int i = 0; i < observed.length; i++) {
            if (weights[i] > 0) {
                totalWeight += weights[i];
                total += observed[i];
                k++;
            }
        }
        if (k < 2 || total == 0) {
            return null;
        }
        double chi2 = 0;
        for (int i = 0; i < observed.length; i++) {
            if (weights[i] > 0) {
                double expected = total * weights[i] / totalWeight;
                double d = observed[i] - expected;
                chi2 += d * d / expected;
            }
        }
        int df = k - 1;
        double p = chiSquareSurvival(chi2, df);
        return new Result(chi2, df, p, p < threshold);
    }

    /** P(X ≥ x) for X ~ χ²(df): the regularised upper incomplete gamma function Q(df/2, x/2). */
    public static double chiSquareSurvival(double x, int df) {
        if (x <= 0) {
            return 1;
        }
        return regularizedGammaQ(df / 2.0, x / 2.0);
    }

    /** Q(a, x) = Γ(a, x)/Γ(a): series for x &lt; a + 1, Lentz's continued fraction otherwise (Numerical Recipes 6.2). */
    static double regularizedGammaQ(double a, double x) {
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 10_000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            double p = sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
            return Math.max(0, 1 - p);
        }
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos approximation, g = 7, n = 9; relative error below 1e-15). */
    static double logGamma(double x) {
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
