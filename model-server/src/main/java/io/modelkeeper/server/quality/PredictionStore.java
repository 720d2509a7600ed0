package io.modelkeeper.server.quality;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Recent predictions by inference id, waiting for their labels. Bounded by count and by age; the
 * oldest go first. Ids that were labelled or expired are remembered (as bare ids, up to twice the
 * count) so a late or repeated label is answered "expired" or "duplicate" rather than "unknown".
 *
 * <p>Every request of a monitored model passes through here, and each waits minutes for its label,
 * long enough to be copied and promoted by the collector: so predictions sit in a ring of slots in
 * arrival order (three times the count: waiting plus remembered), grown as it first fills; ids are
 * kept flat by {@link RememberedIds}, one-row predictions by {@link OneRowPredictions}. The oldest
 * waiting and the oldest remembered slot are found by two cursors that only move forward. A
 * prediction also leaves unlabelled when the ring comes round to it, after three times the count of
 * newer predictions (most of them labelled, or it would have been pushed out sooner); remembered
 * ids are forgotten oldest first by arrival.
 */
public final class PredictionStore {
  private static final byte FREE = 0;
  private static final byte WAITING = 1;
  private static final byte LABELLED = 2;
  private static final byte UNLABELLED = 3;
  private static final int FIRST_SLOTS = 64;

  private final int maxEntries;
  private final int maxSettled;
  private final int maxSlots;
  private final long maxAgeMillis;
  private final long maxBytes;
  private final LongSupplier clockMillis;
  private final RememberedIds ids = new RememberedIds();
  private final OneRowPredictions oneRow = new OneRowPredictions();
  private long[] at = new long[0];
  private StoredPrediction[] predictions = new StoredPrediction[0];
  private byte[] state = new byte[0];

  /** Predictions remembered so far; prediction number n lives in slot n % slots. */
  private long arrivals;

  /** No prediction numbered below these is waiting, respectively remembered as settled. */
  private long oldestWaiting;

  private long oldestSettled;
  private int waiting;
  private int settled;
  private long predictionBytes;
  private long remembered;
  private long unlabelled;

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
    this(maxEntries, maxAge, Long.MAX_VALUE, clockMillis);
  }

  /**
   * A store that also keeps its {@link #estimatedBytes()} within {@code maxBytes}: past it, the
   * oldest remembered ids are forgotten, then the oldest waiting predictions leave unlabelled; a
   * prediction larger than a quarter of the budget is not kept at all (it counts as unlabelled).
   */
  public PredictionStore(int maxEntries, Duration maxAge, long maxBytes, LongSupplier clockMillis) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("prediction store byte budget must be positive");
    }
    this.maxBytes = maxBytes;
    if (maxEntries < 1) {
      throw new IllegalArgumentException("prediction store must hold at least 1 prediction");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("prediction store max age must be positive");
    }
    this.maxEntries = maxEntries;
    this.maxSettled = (int) Math.min(2L * maxEntries, Integer.MAX_VALUE / 4);
    // Bounded so that the one-row arrays (up to 8 probabilities per slot) stay addressable.
    this.maxSlots = (int) Math.min(3L * maxEntries, Integer.MAX_VALUE / 16);
    this.maxAgeMillis = maxAge.toMillis();
    this.clockMillis = clockMillis;
  }

  /** Remembers a prediction; a prediction already stored under the id is replaced unlabelled. */
  public void remember(String id, StoredPrediction prediction) {
    RememberedIds.Key key = RememberedIds.Key.of(id);
    long bytes = prediction.estimatedBytes();
    synchronized (this) {
      remember(key, prediction, bytes);
    }
  }

  private void remember(RememberedIds.Key key, StoredPrediction prediction, long bytes) {
    long now = clockMillis.getAsLong();
    int replaced = ids.find(key);
    if (replaced >= 0) {
      forget(replaced);
    }
    if (bytes > maxBytes / 4) {
      remembered += prediction.rows();
      unlabelled += prediction.rows();
      return;
    }
    if (arrivals == state.length && state.length < maxSlots) {
      grow();
    }
    int slot = slotOf(arrivals);
    if (state[slot] != FREE) {
      // The ring came round to a prediction still remembered: forget it, the oldest.
      forget(slot);
    }
    ids.put(slot, key);
    at[slot] = now;
    if (oneRow.fits(prediction)) {
      oneRow.put(slot, prediction);
      predictions[slot] = null;
    } else {
      predictions[slot] = prediction;
      predictionBytes += bytes;
    }
    state[slot] = WAITING;
    waiting++;
    remembered += prediction.rows();
    arrivals++;
    expire(now);
    keepWithinBudget();
  }

  /** Forgets the oldest remembered ids, then the oldest waiting predictions, while over budget. */
  private void keepWithinBudget() {
    while (estimatedBytesHeld() > maxBytes) {
      oldestSettled = Math.max(oldestSettled, arrivals - state.length);
      oldestWaiting = Math.max(oldestWaiting, arrivals - state.length);
      if (settled > 0 && oldestSettled < arrivals) {
        int slot = slotOf(oldestSettled++);
        if (state[slot] == LABELLED || state[slot] == UNLABELLED) {
          forget(slot);
        }
      } else if (waiting > 0 && oldestWaiting < arrivals) {
        int slot = slotOf(oldestWaiting++);
        if (state[slot] == WAITING) {
          settle(slot, UNLABELLED);
        }
      } else {
        return;
      }
    }
  }

  /**
   * Joins a label to the prediction stored under {@code id}. The check runs only for a waiting
   * prediction; when it refuses the label, the prediction keeps waiting for a correct one.
   */
  public synchronized Taken take(String id, LabelCheck check) {
    expire(clockMillis.getAsLong());
    int slot = ids.find(RememberedIds.Key.of(id));
    if (slot < 0) {
      return new Taken(FeedbackStatus.UNKNOWN_ID, "no prediction with id '" + id + "'", null);
    }
    if (state[slot] == LABELLED) {
      return new Taken(
          FeedbackStatus.DUPLICATE_LABEL, "prediction '" + id + "' already has a label", null);
    }
    if (state[slot] == UNLABELLED) {
      return new Taken(
          FeedbackStatus.EXPIRED, "prediction '" + id + "' expired before its label arrived", null);
    }
    StoredPrediction prediction = predictions[slot] != null ? predictions[slot] : oneRow.get(slot);
    try {
      check.check(prediction);
    } catch (RejectedLabel rejected) {
      return new Taken(rejected.status(), rejected.getMessage(), null);
    }
    settle(slot, LABELLED);
    trimSettled();
    return new Taken(FeedbackStatus.OK, null, prediction);
  }

  /**
   * Drops predictions past their age; also called when metrics are read, so idle servers shrink.
   */
  public synchronized void expire() {
    expire(clockMillis.getAsLong());
  }

  private void expire(long now) {
    oldestWaiting = Math.max(oldestWaiting, arrivals - state.length);
    while (waiting > 0) {
      int slot = slotOf(oldestWaiting);
      if (state[slot] == WAITING) {
        if (waiting <= maxEntries && now - at[slot] <= maxAgeMillis) {
          break;
        }
        settle(slot, UNLABELLED);
      }
      oldestWaiting++;
    }
    trimSettled();
  }

  private void settle(int slot, byte outcome) {
    StoredPrediction prediction = predictions[slot];
    int rows = 1;
    if (prediction != null) {
      predictions[slot] = null;
      predictionBytes -= prediction.estimatedBytes();
      rows = prediction.rows();
    }
    waiting--;
    if (outcome == UNLABELLED) {
      unlabelled += rows;
    }
    state[slot] = outcome;
    settled++;
  }

  private void trimSettled() {
    oldestSettled = Math.max(oldestSettled, arrivals - state.length);
    while (settled > maxSettled) {
      int slot = slotOf(oldestSettled++);
      if (state[slot] == LABELLED || state[slot] == UNLABELLED) {
        forget(slot);
      }
    }
  }

  /** Frees a slot; a prediction still waiting there leaves unlabelled. */
  private void forget(int slot) {
    if (state[slot] == WAITING) {
      settle(slot, UNLABELLED);
    }
    settled--;
    state[slot] = FREE;
    ids.remove(slot);
  }

  private int slotOf(long number) {
    return (int) (number % state.length);
  }

  /** Doubles the ring; only before it first wraps, so prediction n stays in slot n. */
  private void grow() {
    int slots = (int) Math.min(Math.max(FIRST_SLOTS, 2L * state.length), maxSlots);
    at = Arrays.copyOf(at, slots);
    predictions = Arrays.copyOf(predictions, slots);
    state = Arrays.copyOf(state, slots);
    oneRow.grow(slots);
    ids.grow(slots, slot -> state[slot] != FREE);
  }

  /** Predictions waiting for a label. */
  public synchronized int size() {
    return waiting;
  }

  /** Estimated heap bytes: the slots and the index, and the predictions waiting in them. */
  public synchronized long estimatedBytes() {
    return estimatedBytesHeld();
  }

  private long estimatedBytesHeld() {
    return ids.estimatedBytes()
        + oneRow.estimatedBytes()
        + at.length * (8L + 4 + 1)
        + predictionBytes;
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
