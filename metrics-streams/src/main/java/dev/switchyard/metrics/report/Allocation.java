package dev.switchyard.metrics.report;

import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.events.Variant;
import dev.switchyard.metrics.report.ReportQueries.VersionUnits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The weights one route was served with over a report's range: per router version in the request log, the route's
 * units per variant and its weights and variants' models in that version. A weight ramp (10/90 for three days, then
 * 50/50) makes the expected split the units-weighted mixture of the versions' weights, not today's weights; and
 * consecutive versions with the same weights and the same models form one allocation phase (GrowthBook's term). A
 * PATCH may give a variant another model under the same variant id: the request log pools both under the id, so a
 * model change starts a new phase too.
 */
final class Allocation {
    static final String MIXED_PHASES = "The weights changed within the range: the split is tested against each router "
            + "version's weights, but means, differences and verdicts pool the phases, and a comparison across a weight "
            + "change can be confounded (a variant that had more of its traffic while outcomes were better for everyone "
            + "looks better). Read the report over one phase (from its start) before deciding.";
    static final String MODEL_CHANGED = "A variant's model changed within the range while its variant id stayed: the "
            + "report pools both models' data under the id and labels it with the current model, so its means, "
            + "differences and verdicts mix two models. Read the report over one phase (from its start) before deciding.";

    private record Version(long version, Map<String, Integer> weights, Map<String, String> models,
                           Map<String, long[]> units, long firstAt, long lastAt) {
        long units(String variantId, boolean byUsers) {
            long[] u = units.get(variantId);
            return u == null ? 0 : byUsers ? u[0] : u[1];
        }

        long total(boolean byUsers) {
            long total = 0;
            for (long[] u : units.values()) {
                total += byUsers ? u[0] : u[1];
            }
            return total;
        }
    }

    private final List<Version> versions;

    private Allocation(List<Version> versions) {
        this.versions = versions;
    }

    /**
     * @param units    the route's rows of {@link ReportQueries#versionUnits}
     * @param versions the router's versions by number; a version missing there counts with {@code route}'s weights
     */
    static Allocation of(Route route, List<VersionUnits> units, Map<Long, RouterConfig> versions, RouterConfig current) {
        TreeMap<Long, List<VersionUnits>> byVersion = new TreeMap<>();
        for (VersionUnits u : units) {
            byVersion.computeIfAbsent(u.routerVersion(), n -> new ArrayList<>()).add(u);
        }
        List<Version> result = new ArrayList<>();
        byVersion.forEach((n, rows) -> {
            Map<String, long[]> perVariant = new LinkedHashMap<>(); // one row per variant and version
            for (VersionUnits u : rows) {
                perVariant.put(u.variantId(), new long[]{u.users(), u.requests()});
            }
            Route same = sameRoute(versions.getOrDefault(n, current), route);
            result.add(new Version(n, weights(same), models(same), perVariant,
                    rows.stream().mapToLong(VersionUnits::firstAt).min().orElseThrow(),
                    rows.stream().mapToLong(VersionUnits::lastAt).max().orElseThrow()));
        });
        return new Allocation(result);
    }

    /** The route in {@code config} ({@code route} itself when that version has no such route). */
    private static Route sameRoute(RouterConfig config, Route route) {
        Route same = route;
        for (Route r : config.getRoutes()) {
            if (r.getRouteId().equals(route.getRouteId())) {
                same = r;
            }
        }
        if (config.getDefaultRoute() != null && config.getDefaultRoute().getRouteId().equals(route.getRouteId())) {
            same = config.getDefaultRoute();
        }
        return same;
    }

    private static Map<String, Integer> weights(Route same) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (Variant v : same.getVariants()) {
            weights.put(v.getVariantId(), v.getWeight());
        }
        return weights;
    }

    private static Map<String, String> models(Route same) {
        Map<String, String> models = new LinkedHashMap<>();
        for (Variant v : same.getVariants()) {
            models.put(v.getVariantId(), v.getModelId());
        }
        return models;
    }

    /** Variants with a weight in some version of the range (one never served still belongs in the split). */
    Set<String> variantIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (Version v : versions) {
            v.weights().forEach((id, weight) -> {
                if (weight > 0) {
                    ids.add(id);
                }
            });
        }
        return ids;
    }

    /** Units per variant of {@code ids}, summed over the versions. */
    long[] observed(List<String> ids, boolean byUsers) {
        long[] observed = new long[ids.size()];
        for (Version v : versions) {
            for (int i = 0; i < ids.size(); i++) {
                observed[i] += v.units(ids.get(i), byUsers);
            }
        }
        return observed;
    }

    /** Expected units per variant of {@code ids}: each version's units spread by that version's weights. */
    double[] expected(List<String> ids, boolean byUsers) {
        double[] expected = new double[ids.size()];
        for (Version v : versions) {
            double totalWeight = v.weights().values().stream().mapToInt(Integer::intValue).sum();
            if (totalWeight == 0) {
                continue;
            }
            long n = v.total(byUsers);
            for (int i = 0; i < ids.size(); i++) {
                expected[i] += n * v.weights().getOrDefault(ids.get(i), 0) / totalWeight;
            }
        }
        return expected;
    }

    /**
     * Runs of consecutive versions with the same weights and the same variants' models, oldest first; one phase when
     * neither changed.
     */
    List<ExperimentReport.Phase> phases(boolean byUsers) {
        List<ExperimentReport.Phase> phases = new ArrayList<>();
        List<Long> numbers = new ArrayList<>();
        Map<String, Integer> weights = null;
        Map<String, String> models = null;
        long units = 0;
        long first = 0;
        long last = 0;
        for (Version v : versions) {
            if (weights != null && (!Objects.equals(weights, v.weights()) || !Objects.equals(models, v.models()))) {
                phases.add(phase(numbers, weights, models, units, first, last));
                numbers = new ArrayList<>();
                units = 0;
            }
            if (numbers.isEmpty()) {
                first = v.firstAt();
                last = v.lastAt();
            }
            weights = v.weights();
            models = v.models();
            numbers.add(v.version());
            units += v.total(byUsers);
            first = Math.min(first, v.firstAt());
            last = Math.max(last, v.lastAt());
        }
        if (weights != null) {
            phases.add(phase(numbers, weights, models, units, first, last));
        }
        return phases;
    }

    /**
     * Why comparisons over {@code phases} may mislead: null for one phase; {@link #MIXED_PHASES} when weights
     * changed, {@link #MODEL_CHANGED} when a variant's model did (both, joined, when both did).
     */
    static String warning(List<ExperimentReport.Phase> phases) {
        boolean weightsChanged = false;
        boolean modelChanged = false;
        for (int i = 1; i < phases.size(); i++) {
            ExperimentReport.Phase before = phases.get(i - 1);
            ExperimentReport.Phase after = phases.get(i);
            weightsChanged |= !Objects.equals(before.weights(), after.weights());
            for (Map.Entry<String, String> e : after.models().entrySet()) {
                String was = before.models().get(e.getKey());
                modelChanged |= was != null && !Objects.equals(was, e.getValue());
            }
        }
        if (phases.size() <= 1) {
            return null;
        }
        if (modelChanged) {
            return weightsChanged ? MIXED_PHASES + " " + MODEL_CHANGED : MODEL_CHANGED;
        }
        return MIXED_PHASES;
    }

    private static ExperimentReport.Phase phase(List<Long> versions, Map<String, Integer> weights, Map<String, String> models,
                                                long units, long first, long last) {
        return new ExperimentReport.Phase(List.copyOf(versions), new LinkedHashMap<>(weights), units, Instant.ofEpochSecond(first),
                Instant.ofEpochSecond(last), new LinkedHashMap<>(models));
    }
}
