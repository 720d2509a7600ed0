package io.modelkeeper.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load from one Vert.x event loop (a light client, so that it takes little of the CPU
 * the server needs): N callers, each sending its next request as soon as the last answered.
 */
final class LoadDriver implements AutoCloseable {

  /**
   * Throughput and latency of one or more runs of the same call: the latencies of the answers (200)
   * and the count of everything else (other statuses, transport failures), both within the measured
   * window.
   */
  record Result(long[] latencies, double seconds, int rows, long errors) {

    double requestsPerSecond() {
      return latencies.length / seconds;
    }

    double rowsPerSecond() {
      return latencies.length * (double) rows / seconds;
    }

    double p50Millis() {
      return percentile(latencies, 0.50);
    }

    double p99Millis() {
      return percentile(latencies, 0.99);
    }

    /** Pools two runs, as if they were one run of the combined length. */
    Result plus(Result other) {
      long[] all = Arrays.copyOf(latencies, latencies.length + other.latencies.length);
      System.arraycopy(other.latencies, 0, all, latencies.length, other.latencies.length);
      Arrays.sort(all);
      return new Result(all, seconds + other.seconds, rows, errors + other.errors);
    }
  }

  /** A request to repeat: method, URL, headers and body (null for GET). */
  record Call(HttpMethod method, String url, Map<String, String> headers, byte[] body) {}

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  Result run(int clients, Duration warmup, Duration measure, int rows, Call call)
      throws InterruptedException {
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(clients));
    URI uri = URI.create(call.url());
    RequestOptions options =
        new RequestOptions()
            .setMethod(call.method())
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getRawPath());
    call.headers().forEach(options::putHeader);
    Buffer body = call.body() == null ? null : Buffer.buffer(call.body());
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long measureUntil = measureFrom + measure.toNanos();
    long[][] latencies = new long[clients][1 << 18];
    int[] counts = new int[clients];
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      int caller = c;
      vertx.runOnContext(
          v ->
              next(
                  http,
                  options,
                  body,
                  caller,
                  measureFrom,
                  measureUntil,
                  latencies,
                  counts,
                  errors,
                  done));
    }
    if (!done.await(measure.plus(warmup).toSeconds() + 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("load run did not finish");
    }
    http.close();
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int offset = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies[c], 0, all, offset, counts[c]);
      offset += counts[c];
    }
    Arrays.sort(all);
    return new Result(all, measure.toNanos() / 1e9, rows, errors.get());
  }

  private void next(
      HttpClient http,
      RequestOptions options,
      Buffer body,
      int caller,
      long measureFrom,
      long measureUntil,
      long[][] latencies,
      int[] counts,
      AtomicLong errors,
      CountDownLatch done) {
    long sent = System.nanoTime();
    if (sent >= measureUntil) {
      done.countDown();
      return;
    }
    http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(ignored -> response.statusCode()))
        .onComplete(
            result -> {
              long finished = System.nanoTime();
              boolean measured = sent >= measureFrom && finished <= measureUntil;
              boolean answered = result.succeeded() && result.result() == 200;
              // Only this event loop touches the arrays.
              if (measured && !answered) {
                errors.incrementAndGet();
              } else if (measured && counts[caller] < latencies[caller].length) {
                latencies[caller][counts[caller]++] = finished - sent;
              }
              next(
                  http,
                  options,
                  body,
                  caller,
                  measureFrom,
                  measureUntil,
                  latencies,
                  counts,
                  errors,
                  done);
            });
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
