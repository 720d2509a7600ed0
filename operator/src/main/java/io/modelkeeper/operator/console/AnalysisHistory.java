package io.modelkeeper.operator.console;

import io.modelkeeper.api.v1alpha1.AnalysisStatus;
import io.modelkeeper.api.v1alpha1.CanaryStatus;
import io.modelkeeper.api.v1alpha1.MetricsStatus;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the operator observed at each analysis of each ModelDeployment (the canary's weight and both
 * arms' figures at each check, the serving version's figures between canaries), kept in memory for
 * the console's charts. Status holds only the last check; this keeps the recent ones. Bounded in
 * points per ModelDeployment and in points overall (each point is a fixed handful of numbers and
 * two short strings), and forgotten when the ModelDeployment goes.
 */
@ApplicationScoped
public class AnalysisHistory {

  /** Points kept per ModelDeployment: four hours of checks every minute. */
  public static final int POINTS_PER_MODEL = 240;

  /** Points kept overall: when more, the oldest point of all goes first. */
  public static final int POINTS_IN_TOTAL = 24_000;

  private static final int MAX_TEXT = 64;

  /** One ModelDeployment's figures at one check. */
  public record Point(
      long atMillis,
      String version,
      int weight,
      int step,
      String decision,
      Arm stable,
      Arm canary,
      double drift) {}

  /** One arm's figures at one check; NaN where not known. */
  public record Arm(long requests, double errorRate, double p99Seconds, double accuracy) {
    static Arm of(MetricsStatus figures) {
      if (figures == null) {
        return null;
      }
      return new Arm(
          figures.getRequests() == null ? -1 : figures.getRequests(),
          orNaN(figures.getErrorRate()),
          orNaN(figures.getLatencyP99Seconds()),
          orNaN(figures.getAccuracy()));
    }
  }

  private record Ring(String uid, ArrayDeque<Point> points) {}

  private final int perModel;
  private final int inTotal;
  private final Map<String, Ring> rings = new HashMap<>();
  private int total;

  public AnalysisHistory() {
    this(POINTS_PER_MODEL, POINTS_IN_TOTAL);
  }

  AnalysisHistory(int perModel, int inTotal) {
    this.perModel = perModel;
    this.inTotal = inTotal;
  }

  /**
   * Notes the figures of the status the reconciler is about to write, once per check: a status
   * whose check time is that of the last point adds nothing.
   */
  public void record(ModelDeployment md, ModelDeploymentStatus status) {
    Point point = pointOf(status);
    if (point == null) {
      return;
    }
    String key = key(md.getMetadata().getNamespace(), md.getMetadata().getName());
    String uid = String.valueOf(md.getMetadata().getUid());
    synchronized (this) {
      Ring ring = rings.get(key);
      if (ring == null || !ring.uid().equals(uid)) {
        // A ModelDeployment deleted and made again under the same name starts a new history.
        drop(key);
        ring = new Ring(uid, new ArrayDeque<>());
        rings.put(key, ring);
      }
      Point last = ring.points().peekLast();
      if (last != null && last.atMillis() >= point.atMillis()) {
        return;
      }
      ring.points().addLast(point);
      total++;
      if (ring.points().size() > perModel) {
        ring.points().removeFirst();
        total--;
      }
      while (total > inTotal) {
        dropOldestPoint();
      }
    }
  }

  /** The points of one ModelDeployment, oldest first; empty when none. */
  public synchronized List<Point> points(String namespace, String name) {
    Ring ring = rings.get(key(namespace, name));
    return ring == null ? List.of() : List.copyOf(ring.points());
  }

  /** Forgets a deleted ModelDeployment's points. */
  public synchronized void forget(String namespace, String name) {
    drop(key(namespace, name));
  }

  synchronized int size() {
    return total;
  }

  private void drop(String key) {
    Ring gone = rings.remove(key);
    if (gone != null) {
      total -= gone.points().size();
    }
  }

  private void dropOldestPoint() {
    String oldest = null;
    long oldestAt = Long.MAX_VALUE;
    for (var entry : rings.entrySet()) {
      Point first = entry.getValue().points().peekFirst();
      if (first != null && first.atMillis() < oldestAt) {
        oldestAt = first.atMillis();
        oldest = entry.getKey();
      }
    }
    Ring ring = rings.get(oldest);
    ring.points().removeFirst();
    total--;
    if (ring.points().isEmpty()) {
      rings.remove(oldest);
    }
  }

  /**
   * The point a status stands for: the canary's last check while one runs, else the serving
   * version's last figures; null when it holds neither.
   */
  static Point pointOf(ModelDeploymentStatus status) {
    if (status == null) {
      return null;
    }
    CanaryStatus canary = status.getCanary();
    AnalysisStatus analysis = canary == null ? null : canary.getAnalysis();
    if (analysis != null && analysis.getCheckedAt() != null) {
      long at = millis(analysis.getCheckedAt());
      if (at < 0) {
        return null;
      }
      MetricsStatus served = status.getMetrics();
      return new Point(
          at,
          text(canary.getVersion()),
          canary.getWeight() == null ? 0 : canary.getWeight(),
          canary.getStep() == null ? -1 : canary.getStep(),
          text(analysis.getDecision()),
          Arm.of(analysis.getStable()),
          Arm.of(analysis.getCanary()),
          served == null ? Double.NaN : orNaN(served.getDrift()));
    }
    MetricsStatus served = status.getMetrics();
    if (served == null || served.getObservedAt() == null) {
      return null;
    }
    long at = millis(served.getObservedAt());
    if (at < 0) {
      return null;
    }
    String version = status.getStable() == null ? null : status.getStable().getVersion();
    return new Point(
        at, text(version), 0, -1, null, Arm.of(served), null, orNaN(served.getDrift()));
  }

  private static long millis(String time) {
    try {
      return Instant.parse(time).toEpochMilli();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  private static String text(String value) {
    return value == null || value.length() <= MAX_TEXT ? value : value.substring(0, MAX_TEXT);
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
