package io.modelkeeper.server.quality;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Recent predictions by inference id, waiting for their labels. Bounded by count and by age;
 * the oldest go first. Ids that were labelled or expired are remembered (as bare ids, up to twice
 * the count) so a late or repeated label is answered "expired" or "duplicate" rather than
 * "unknown".
 */
public final class PredictionStore {
  /** Map entry, key reference, and the {@code String} with its byte array, 64-bit layout. */
  private static final long ENTRY_OVERHEAD = 48 + 24 + 16;

  private final int maxEntries;
  private final long maxAgeMillis;
  private final LongSupplier clockMillis;
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final LinkedHashMap<String, Boolean> settled = new LinkedHashMap<>();
  private long pendingBytes;
  private long settledBytes;
  private long remembered;
  private long unlabelled;

  private record Pending(StoredPrediction prediction, long at, long bytes) {}

  /** What happened to one label. {@code prediction} is set only when {@code status} is OK. */
  public record Taken(FeedbackStatus status, String message, StoredPrediction prediction) {}

  /** Thrown by a label reader to refuse a label; the prediction stays unlabelled. */
  public static final class RejectedLabel extends Exception {
    private final FeedbackStatus status;

    public RejectedLabel(FeedbackStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public FeedbackStatus status() {
      return status;
    }
  }

  /** Reads a label against the prediction it is for. */
  @FunctionalInterface
  public interface LabelCheck {
    void check(StoredPrediction prediction) throws RejectedLabel;
  }

  public PredictionStore(int maxEntries, Duration maxAge, LongSupplier clockMillis) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("prediction store must hold at least 1 prediction");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("prediction store max age must be positive");
    }
    this.maxEntries = maxEntries;
    this.maxAgeMillis = maxAge.toMillis();
    this.clockMillis = clockMillis;
  }

  /** Remembers a prediction; a prediction already stored under the id is replaced unlabelled. */
  public synchronized void remember(String id, StoredPrediction prediction) {
    long now = clockMillis.getAsLong();
    Pending replaced = pending.remove(id);
    if (replaced != null) {
      pendingBytes -= replaced.bytes();
      unlabelled += replaced.prediction().rows();
    }
    if (settled.remove(id) != null) {
      settledBytes -= idBytes(id);
    }
    long bytes = ENTRY_OVERHEAD + idBytes(id) + prediction.estimatedBytes();
    pending.put(id, new Pending(prediction, now, bytes));
    pendingBytes += bytes;
    remembered += prediction.rows();
    expire(now);
  }

  /**
   * Joins a label to the prediction stored under {@code id}. The check runs only for a waiting
   * prediction; when it refuses the label, the prediction keeps waiting for a correct one.
   */
  public synchronized Taken take(String id, LabelCheck check) {
    long now = clockMillis.getAsLong();
    expire(now);
    Pending entry = pending.get(id);
    if (entry == null) {
      Boolean labelled = settled.get(id);
      if (labelled == null) {
        return new Taken(FeedbackStatus.UNKNOWN_ID, "no prediction with id '" + id + "'", null);
      }
      return labelled
          ? new Taken(FeedbackStatus.DUPLICATE_LABEL, "prediction '" + id + "' already has a label",
              null)
          : new Taken(FeedbackStatus.EXPIRED,
              "prediction '" + id + "' expired before its label arrived", null);
    }
    try {
      check.check(entry.prediction());
    } catch (RejectedLabel rejected) {
      return new Taken(rejected.status(), rejected.getMessage(), null);
    }
    pending.remove(id);
    pendingBytes -= entry.bytes();
    settle(id, true);
    return new Taken(FeedbackStatus.OK, null, entry.prediction());
  }

  /** Drops predictions past their age; also called when metrics are read, so idle servers shrink. */
  public synchronized void expire() {
    expire(clockMillis.getAsLong());
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Pending>> oldest = pending.entrySet().iterator();
    while (oldest.hasNext()) {
      Map.Entry<String, Pending> entry = oldest.next();
      boolean tooMany = pending.size() > maxEntries;
      if (!tooMany && now - entry.getValue().at() <= maxAgeMillis) {
        break;
      }
      oldest.remove();
      pendingBytes -= entry.getValue().bytes();
      unlabelled += entry.getValue().prediction().rows();
      settle(entry.getKey(), false);
    }
  }

  private void settle(String id, boolean labelled) {
    if (settled.put(id, labelled) == null) {
      settledBytes += ENTRY_OVERHEAD + idBytes(id);
    }
    Iterator<String> oldest = settled.keySet().iterator();
    while (settled.size() > 2L * maxEntries) {
      settledBytes -= ENTRY_OVERHEAD + idBytes(oldest.next());
      oldest.remove();
    }
  }

  private static long idBytes(String id) {
    return id.length();
  }

  /** Predictions waiting for a label. */
  public synchronized int size() {
    return pending.size();
  }

  /** Estimated heap bytes held by waiting predictions and remembered ids. */
  public synchronized long estimatedBytes() {
    return pendingBytes + settledBytes;
  }

  /** Predicted rows ever remembered. */
  public synchronized long rememberedTotal() {
    return remembered;
  }

  /** Predicted rows that left the store without a label (aged, pushed out, or replaced). */
  public synchronized long unlabelledTotal() {
    return unlabelled;
  }
}
