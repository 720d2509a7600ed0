package io.modelkeeper.operator.status;

import io.modelkeeper.api.v1alpha1.DisplayFigures;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** The stable version's quality and drift figures rounded for a table column. */
public final class RoundedFigures {

  private RoundedFigures() {}

  /** status.display for these figures, or null when there are none to show. */
  public static DisplayFigures of(MetricsStatus metrics) {
    if (metrics == null) {
      return null;
    }
    DisplayFigures display = new DisplayFigures();
    display.setAccuracy(decimals(metrics.getAccuracy()));
    display.setF1(decimals(metrics.getF1()));
    display.setAuc(decimals(metrics.getAuc()));
    display.setRmse(significant(metrics.getRmse()));
    display.setDrift(decimals(metrics.getDrift()));
    boolean empty =
        display.getAccuracy() == null
            && display.getF1() == null
            && display.getAuc() == null
            && display.getRmse() == null
            && display.getDrift() == null;
    return empty ? null : display;
  }

  /** Three decimals: figures between 0 and 1 (accuracy, AUC) or small scores (PSI). */
  static String decimals(Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return null;
    }
    return String.format(Locale.ROOT, "%.3f", value);
  }

  /** Three significant digits: an error in the target's own unit, of any size. */
  static String significant(Double value) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return null;
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
