package io.modelkeeper.operator.monitoring;

import io.modelkeeper.api.v1alpha1.Conditions;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.SloCrossing;
import io.modelkeeper.api.v1alpha1.SloSpec;
import io.modelkeeper.operator.validation.CheckedSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Holds the serving version's figures against spec.monitoring.slo. An objective counts against the
 * version only once its figure has stayed crossed for spec.monitoring.slo.for, reading after
 * reading, like a Prometheus alert with {@code for}: the first crossed reading starts the clock
 * (kept in status.sloCrossings), a reading within the objective stops it at once. A figure that was
 * not measured (absent) crosses nothing and so stops the clock too: no labels yet is not bad
 * accuracy.
 */
public final class SloCheck {

  /**
   * How the figures stand against the objectives: whether the version is degraded, a reason for the
   * Degraded condition and why, and the objectives crossed now with since when.
   */
  public record Verdict(
      boolean degraded, String reason, String message, List<SloCrossing> crossings) {}

  /** One objective against its figure in one reading. */
  private record Reading(String objective, String reason, boolean crossed, String text) {}

  private SloCheck() {}

  /**
   * Empty when no objective is set or nothing was measured yet.
   *
   * @param previous the crossings of the last verdict (status.sloCrossings), empty when none
   * @param readAt when the figures were read; the clock of every crossing runs on reading times
   */
  public static Optional<Verdict> check(
      CheckedSpec.Slo slo, MetricsStatus figures, List<SloCrossing> previous, Instant readAt) {
    if (slo == null || figures == null) {
      return Optional.empty();
    }
    List<Reading> readings = readings(slo, figures);
    if (readings.isEmpty()) {
      return Optional.empty();
    }
    String holdForText = slo.holdForText();
    Duration holdFor = slo.holdFor();
    List<SloCrossing> crossings = new ArrayList<>();
    List<String> held = new ArrayList<>();
    String heldReason = null;
    List<String> pending = new ArrayList<>();
    List<String> met = new ArrayList<>();
    for (Reading reading : readings) {
      if (!reading.crossed()) {
        met.add(reading.text());
        continue;
      }
      Instant since = since(previous, reading.objective()).orElse(readAt);
      crossings.add(new SloCrossing(reading.objective(), format(since)));
      Instant degradesAt = since.plus(holdFor);
      if (!readAt.isBefore(degradesAt)) {
        heldReason = heldReason == null ? reading.reason() : heldReason;
        held.add(reading.text() + (holdFor.isZero() ? "" : ", since " + format(since)));
      } else {
        pending.add(
            reading.text()
                + " since "
                + format(since)
                + "; Degraded if still so at "
                + format(degradesAt)
                + " (spec.monitoring.slo.for "
                + holdForText
                + ")");
      }
    }
    if (!held.isEmpty()) {
      held.addAll(pending);
      return Optional.of(new Verdict(true, heldReason, String.join("; ", held), crossings));
    }
    if (!pending.isEmpty()) {
      return Optional.of(
          new Verdict(false, Conditions.REASON_SLO_PENDING, String.join("; ", pending), crossings));
    }
    return Optional.of(
        new Verdict(
            false,
            Conditions.REASON_SLO_MET,
            "Objectives met: " + String.join("; ", met),
            crossings));
  }

  /** Quality first: a model answering fast and wrong is the failure this check exists for. */
  private static List<Reading> readings(CheckedSpec.Slo checked, MetricsStatus figures) {
    SloSpec slo = checked.spec();
    List<Reading> readings = new ArrayList<>();
    compare(
            figures.getAccuracy(),
            slo.getMinAccuracy(),
            false,
            "accuracy",
            "minAccuracy",
            Conditions.REASON_ACCURACY_BELOW_SLO)
        .ifPresent(readings::add);
    compare(
            figures.getDrift(),
            slo.getMaxDrift(),
            true,
            "drift score",
            "maxDrift",
            Conditions.REASON_DRIFT_ABOVE_SLO)
        .ifPresent(readings::add);
    Double maxP99 =
        checked.maxLatencyP99() == null ? null : checked.maxLatencyP99().toNanos() / 1e9;
    compare(
            figures.getLatencyP99Seconds(),
            maxP99,
            true,
            "p99 latency (s)",
            "maxLatencyP99",
            Conditions.REASON_LATENCY_ABOVE_SLO)
        .ifPresent(readings::add);
    compare(
            figures.getErrorRate(),
            slo.getMaxErrorRate(),
            true,
            "error rate",
            "maxErrorRate",
            Conditions.REASON_ERROR_RATE_ABOVE_SLO)
        .ifPresent(readings::add);
    return readings;
  }

  private static Optional<Reading> compare(
      Double value, Double limit, boolean isMaximum, String figure, String field, String reason) {
    if (value == null || limit == null || !Double.isFinite(value)) {
      return Optional.empty();
    }
    String path = "spec.monitoring.slo." + field;
    boolean bad = isMaximum ? value > limit : value < limit;
    String text =
        bad
            ? String.format(
                Locale.ROOT,
                "%s %s is %s %s %s",
                figure,
                number(value),
                isMaximum ? "above" : "below",
                path,
                number(limit))
            : String.format(
                Locale.ROOT, "%s %s within %s %s", figure, number(value), path, number(limit));
    return Optional.of(new Reading(field, reason, bad, text));
  }

  private static Optional<Instant> since(List<SloCrossing> previous, String objective) {
    if (previous == null) {
      return Optional.empty();
    }
    return previous.stream()
        .filter(c -> objective.equals(c.getObjective()) && c.getSince() != null)
        .findFirst()
        .flatMap(c -> parse(c.getSince()));
  }

  /** A since that does not parse (status edited by hand) restarts the clock rather than failing. */
  private static Optional<Instant> parse(String time) {
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String format(Instant time) {
    return time.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value)
        .replaceAll("(\\.\\d*?)0+$", "$1")
        .replaceAll("\\.$", "");
  }
}
