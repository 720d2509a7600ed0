package io.modelkeeper.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelkeeper.contract.ServerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The model server's Prometheus series; names are part of the operator's contract. */
@ApplicationScoped
public class ServingMetrics {

  /** How an inference request ended, as the requests counter labels it. */
  public enum Outcome {
    SUCCESS,
    CLIENT_ERROR,
    SERVER_ERROR,
    /** Refused with 503 and Retry-After because the server had no room for it. */
    OVERLOADED
  }

  private static final Duration[] LATENCY_BUCKETS =
      seconds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
  private static final Duration[] QUEUE_BUCKETS =
      seconds(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1);
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final MeterRegistry registry;
  private final Counter[] requests = new Counter[Outcome.values().length];
  private final Timer requestDuration;
  private final Timer queueDuration;
  private final Timer inferenceDuration;
  private final DistributionSummary batchSize;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong modelLoadNanos = new AtomicLong();

  public ServingMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      requests[outcome.ordinal()] =
          Counter.builder(ServerMetrics.REQUESTS)
              .description("Inference requests by outcome")
              .tag(ServerMetrics.OUTCOME, outcome.name().toLowerCase())
              .register(registry);
    }
    requestDuration =
        timer(
            ServerMetrics.REQUEST_DURATION,
            "Inference request latency, receipt to response",
            LATENCY_BUCKETS);
    queueDuration =
        timer(
            "modelkeeper.queue.duration",
            "Time a request waited for its batch to start",
            QUEUE_BUCKETS);
    inferenceDuration =
        timer("modelkeeper.inference.duration", "ONNX Runtime run time per batch", LATENCY_BUCKETS);
    batchSize =
        DistributionSummary.builder("modelkeeper.batch.size")
            .description("Rows per ONNX Runtime call")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    Gauge.builder("modelkeeper.requests.in.flight", inFlight, AtomicInteger::get)
        .description("Inference requests received and not yet answered")
        .register(registry);
  }

  private Timer timer(String name, String description, Duration[] buckets) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return durations;
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestFinished(Outcome outcome, long startNanos) {
    inFlight.decrementAndGet();
    requests[outcome.ordinal()].increment();
    requestDuration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A request refused with 503 on arrival, before it was taken in: counted as overloaded, never in
   * flight.
   */
  public void refusedOnArrival(long startNanos) {
    requests[Outcome.OVERLOADED.ordinal()].increment();
    requestDuration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public void queued(long nanos) {
    queueDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void batchRan(int rows, long nanos) {
    batchSize.record(rows);
    inferenceDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the load time and the provider the model runs on, once it is loaded. */
  public void modelLoaded(long nanos, String executionProvider) {
    modelLoadNanos.set(nanos);
    Gauge.builder("modelkeeper.model.load.seconds", modelLoadNanos, n -> n.get() / 1e9)
        .description("Seconds it took to fetch, load and warm up the model")
        .register(registry);
    Gauge.builder("modelkeeper.execution.provider.info", () -> 1)
        .description("The ONNX Runtime execution provider the model runs on (value is always 1)")
        .tag("provider", executionProvider)
        .register(registry);
  }
}
