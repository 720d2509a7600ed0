package io.modelkeeper.operator;

import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.Durations;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.SloSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Holds the serving version's figures against spec.monitoring.slo. A figure that was not measured
 * (absent) crosses nothing: no labels yet is not bad accuracy.
 */
public final class SloCheck {

    /** How the figures stand against the objectives: a reason for the Degraded condition and why. */
    public record Verdict(boolean crossed, String reason, String message) {
    }

    private SloCheck() {
    }

    /** Empty when no objective is set or nothing was measured yet. */
    public static Optional<Verdict> check(SloSpec slo, MetricsStatus figures) {
        if (slo == null || figures == null) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        List<String> crossed = new ArrayList<>();
        List<String> met = new ArrayList<>();
        // Quality first: a model answering fast and wrong is the failure this check exists for.
        compare(figures.getAccuracy(), slo.getMinAccuracy(), false, "accuracy", "minAccuracy",
                Conditions.REASON_ACCURACY_BELOW_SLO, reasons, crossed, met);
        compare(figures.getDrift(), slo.getMaxDrift(), true, "drift score", "maxDrift",
                Conditions.REASON_DRIFT_ABOVE_SLO, reasons, crossed, met);
        Double maxP99 = slo.getMaxLatencyP99() == null ? null
                : Durations.parse(slo.getMaxLatencyP99()).toNanos() / 1e9;
        compare(figures.getLatencyP99Seconds(), maxP99, true, "p99 latency (s)", "maxLatencyP99",
                Conditions.REASON_LATENCY_ABOVE_SLO, reasons, crossed, met);
        compare(figures.getErrorRate(), slo.getMaxErrorRate(), true, "error rate", "maxErrorRate",
                Conditions.REASON_ERROR_RATE_ABOVE_SLO, reasons, crossed, met);
        if (!crossed.isEmpty()) {
            return Optional.of(new Verdict(true, reasons.get(0), String.join("; ", crossed)));
        }
        if (met.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Verdict(false, Conditions.REASON_SLO_MET, "Objectives met: " + String.join("; ", met)));
    }

    private static void compare(Double value, Double limit, boolean isMaximum, String figure, String field,
            String reason, List<String> reasons, List<String> crossed, List<String> met) {
        if (value == null || limit == null || !Double.isFinite(value)) {
            return;
        }
        String path = "spec.monitoring.slo." + field;
        boolean bad = isMaximum ? value > limit : value < limit;
        if (bad) {
            reasons.add(reason);
            crossed.add(String.format(Locale.ROOT, "%s %s is %s %s %s", figure, number(value),
                    isMaximum ? "above" : "below", path, number(limit)));
        } else {
            met.add(String.format(Locale.ROOT, "%s %s within %s %s", figure, number(value), path, number(limit)));
        }
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
