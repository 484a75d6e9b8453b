package dev.switchyard.metrics.report;

/**
 * Sample-ratio mismatch: does the observed split of units (users, or requests when there are no user ids) across
 * variants fit the weights? A tiny p-value means the assignment or the logging is broken (users lost or
 * double counted in one variant), and every other number of the experiment is suspect; the conventional flag is
 * p &lt; 0.001.
 *
 * <p>The p-value is exact, so the flag's false-alarm rate stays below the threshold at any number of units: under
 * correct assignment each variant's count is Binomial(n, its weight's share), and each variant gets the two-sided
 * binomial test (twice the smaller tail, from the regularised incomplete beta function); with more than two variants
 * the smallest of those p-values is multiplied by their number (Bonferroni). With two variants both tests are the
 * same test. Pearson's chi-square (Cochran's rule of expected counts ≥ 5 makes its p-value trustworthy; at 1 % vs
 * 99 % that needs 500 units) is reported as the size of the deviation, not used for the flag: at a handful of users
 * its p-value is far too small (5 users at 1/99 weights, one in the 1 % variant: chi-square p = 2e-5, false flags
 * 4.9 % of the time against the nominal 0.1 %).
 */
public final class SampleRatioMismatch {
    public static final double DEFAULT_THRESHOLD = 0.001;

    private SampleRatioMismatch() {
    }

    /**
     * @param chiSquare        Pearson's statistic (the size of the deviation; not what the flag uses)
     * @param degreesOfFreedom weighted variants − 1
     * @param pValue           the exact p-value (see the class comment)
     */
    public record Result(double chiSquare, int degreesOfFreedom, double pValue, boolean flagged) {
    }

    /**
     * @param observed units per variant
     * @param weights  the expected split (weights of any scale); variants with weight 0 are left out of the test
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
        double smallest = 1;
        for (int i = 0; i < observed.length; i++) {
            if (weights[i] > 0) {
                double share = weights[i] / totalWeight;
                double expected = total * share;
                double d = observed[i] - expected;
                chi2 += d * d / expected;
                smallest = Math.min(smallest, binomialTwoSided(observed[i], total, share));
            }
        }
        double p = Math.min(1, (k == 2 ? 1 : k) * smallest);
        return new Result(chi2, k - 1, p, p < threshold);
    }

    /** The two-sided exact binomial p-value of {@code x} successes in {@code n} at rate {@code p}: twice the smaller tail. */
    static double binomialTwoSided(long x, long n, double p) {
        return Math.min(1, 2 * Math.min(binomialAtMost(x, n, p), binomialAtLeast(x, n, p)));
    }

    /** P(X ≥ x) for X ~ Binomial(n, p): I_p(x, n − x + 1). */
    static double binomialAtLeast(long x, long n, double p) {
        if (x <= 0) {
            return 1;
        }
        if (x > n) {
            return 0;
        }
        return regularizedBeta(p, x, n - x + 1.0);
    }

    /** P(X ≤ x) for X ~ Binomial(n, p): I_{1−p}(n − x, x + 1). */
    static double binomialAtMost(long x, long n, double p) {
        if (x >= n) {
            return 1;
        }
        if (x < 0) {
            return 0;
        }
        return regularizedBeta(1 - p, n - x, x + 1.0);
    }

    /** I_x(a, b), the regularised incomplete beta function (continued fraction, Numerical Recipes 6.4). */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
    }

    /** Lentz's evaluation of the incomplete beta continued fraction; converges in O(sqrt(max(a, b))) steps. */
    private static double betaContinuedFraction(double x, double a, double b) {
        double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m < 1_000_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return h;
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
