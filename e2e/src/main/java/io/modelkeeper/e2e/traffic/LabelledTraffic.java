package io.modelkeeper.e2e.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Inference and its labels sent the way clients send them: to the model's Service only, each
 * request on a connection of its own (as many clients would, so the Service spreads them over the
 * pods), about {@code 10 × rowsPerRequest} rows a second, from one background thread until closed.
 * The label of each row is what {@link Truth} says the world means by it, with one row in twenty
 * labelled the other way (noise); after {@link #changeTheWorld()} every label says the opposite,
 * and after {@link #shiftInput} one feature's values come from a distribution moved away from the
 * one the model was trained on (input drift; the labels still follow the same rule).
 */
public final class LabelledTraffic implements AutoCloseable {

  /** What the world means by a row: its true class, 0 or 1. */
  @FunctionalInterface
  public interface Truth {
    int[] classes(float[][] rows) throws Exception;
  }

  private final String service;
  private final String model;
  private final int features;
  private final int rowsPerRequest;
  private final Truth truth;
  private final Random random;
  private final AtomicBoolean worldChanged = new AtomicBoolean();
  private volatile int shiftedFeature = -1;
  private volatile double shift;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong labelledRows = new AtomicLong();
  private final AtomicReference<String> lastFailure = new AtomicReference<>();
  private final Thread thread;

  private LabelledTraffic(
      String service, String model, int features, int rowsPerRequest, Truth truth, long seed) {
    this.service = service;
    this.model = model;
    this.features = features;
    this.rowsPerRequest = rowsPerRequest;
    this.truth = truth;
    this.random = new Random(seed);
    this.thread = new Thread(this::run, "labelled-traffic-" + model);
    this.thread.setDaemon(true);
  }

  /**
   * Starts sending to {@code service} (a base URL such as {@code http://127.0.0.1:40123}) for
   * {@code model}, whose input {@code input} takes rows of {@code features} standard normal values.
   */
  public static LabelledTraffic start(
      String service, String model, int features, int rowsPerRequest, Truth truth, long seed) {
    LabelledTraffic traffic =
        new LabelledTraffic(service, model, features, rowsPerRequest, truth, seed);
    traffic.thread.start();
    return traffic;
  }

  /** From now on every label says the opposite of what the inputs used to mean. */
  public void changeTheWorld() {
    worldChanged.set(true);
  }

  /**
   * From now on the values of feature {@code feature} are moved by {@code by} standard deviations:
   * the inputs drift while what they mean does not.
   */
  public void shiftInput(int feature, double by) {
    if (feature < 0 || feature >= features) {
      throw new IllegalArgumentException("no feature " + feature + " in rows of " + features);
    }
    shift = by;
    shiftedFeature = feature;
  }

  /** Requests sent: inference and feedback, each one. */
  public long sent() {
    return sent.get();
  }

  /** Requests that failed (an HTTP error, no answer, a feedback not accepted). */
  public long failed() {
    return failed.get();
  }

  /** Rows whose label was accepted. */
  public long labelledRows() {
    return labelledRows.get();
  }

  /** The last failure in words, null when none. */
  public String lastFailure() {
    return lastFailure.get();
  }

  private void run() {
    while (!stop.get()) {
      try {
        once();
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failure(e.toString());
      }
    }
  }

  /** One inference request and the feedback with its labels, each on a connection of its own. */
  private void once() throws Exception {
    float[][] rows = rows();
    InferenceClient.Reply reply = new InferenceClient().infer(service, model, "input", null, rows);
    sent.incrementAndGet();
    if (!reply.ok()) {
      failure("infer " + reply.status() + " " + reply.text());
      return;
    }
    int[] meant = truth.classes(rows);
    List<Object> labels = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      boolean noise = random.nextInt(20) == 0;
      int label = worldChanged.get() ? 1 - meant[r] : meant[r];
      labels.add(noise ? 1 - label : label);
    }
    String id = reply.body().path("id").asText();
    InferenceClient.Reply feedback =
        new InferenceClient().feedback(service, model, List.of(Map.of("id", id, "label", labels)));
    sent.incrementAndGet();
    if (feedback.status() != 200) {
      failure("feedback " + feedback.status() + " " + feedback.text());
    } else {
      labelledRows.addAndGet(rows.length);
    }
  }

  private void failure(String what) {
    failed.incrementAndGet();
    lastFailure.set(what);
  }

  private float[][] rows() {
    float[][] rows = new float[rowsPerRequest][features];
    int shifted = shiftedFeature;
    for (float[] row : rows) {
      for (int f = 0; f < features; f++) {
        row[f] = (float) (random.nextGaussian() + (f == shifted ? shift : 0));
      }
    }
    return rows;
  }

  /** Stops sending and waits for the request in progress. */
  @Override
  public void close() {
    stop.set(true);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
