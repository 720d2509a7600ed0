package io.modelkeeper.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Open-loop load from one Vert.x event loop: requests leave at a fixed rate whatever the server
 * does, as independent callers would send them, and each answer is recorded by its status. This is
 * what overload looks like to a server; a closed loop would slow down with it. A timer every
 * millisecond sends the requests due since the last one; latency is measured from when a request
 * actually left, and how late it left against its due time (the driver's lag) is recorded apart, so
 * a driver that falls behind shows there rather than as server latency.
 */
final class OpenLoopDriver implements AutoCloseable {

  /**
   * Latencies (nanoseconds, sorted) of the answers by kind, how late requests left (sorted), and
   * what went wrong.
   */
  record Result(
      long[] admitted,
      long[] refused,
      long[] lags,
      long sent,
      long otherStatuses,
      long failures,
      long refusedWithoutRetryAfter,
      double seconds) {

    static double percentileMillis(long[] sorted, double p) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
  }

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  /**
   * Sends {@code rate} requests a second for {@code warmup + measure}; records those sent after
   * warm-up.
   */
  Result run(LoadDriver.Call call, double rate, Duration warmup, Duration measure, int connections)
      throws InterruptedException {
    HttpClient http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    URI uri = URI.create(call.url());
    RequestOptions options =
        new RequestOptions()
            .setMethod(call.method())
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setURI(uri.getRawPath());
    call.headers().forEach(options::putHeader);
    Buffer body = call.body() == null ? null : Buffer.buffer(call.body());
    int capacity = (int) (rate * (warmup.toNanos() + measure.toNanos()) / 1e9 * 1.1) + 16;
    long[] admitted = new long[capacity];
    long[] refused = new long[capacity];
    long[] lags = new long[capacity];
    int[] lagCount = new int[1];
    // Only the event loop touches these counters and arrays.
    long[] counts =
        new long[7]; // sent, admitted, refused, other, failures, no retry-after, pending
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    CountDownLatch done = new CountDownLatch(1);
    vertx.runOnContext(
        v ->
            vertx.setPeriodic(
                1,
                timer -> {
                  long now = System.nanoTime();
                  if (now >= end) {
                    vertx.cancelTimer(timer);
                    if (counts[6] == 0) {
                      done.countDown();
                    }
                    return;
                  }
                  long due = (long) ((now - start) / 1e9 * rate);
                  while (counts[0] < due) {
                    long dueAt = start + (long) (counts[0] / rate * 1e9);
                    counts[0]++;
                    counts[6]++;
                    long sent = System.nanoTime();
                    boolean measured = sent >= measureFrom;
                    if (measured && lagCount[0] < lags.length) {
                      lags[lagCount[0]++] = Math.max(0, sent - dueAt);
                    }
                    http.request(options)
                        .compose(request -> body == null ? request.send() : request.send(body))
                        .compose(
                            response ->
                                response
                                    .body()
                                    .map(
                                        ignored -> {
                                          long latency = System.nanoTime() - sent;
                                          int status = response.statusCode();
                                          if (!measured) {
                                            return null;
                                          }
                                          if (status == 200) {
                                            admitted[(int) counts[1]++] = latency;
                                          } else if (status == 503) {
                                            refused[(int) counts[2]++] = latency;
                                            if (response.getHeader("Retry-After") == null) {
                                              counts[5]++;
                                            }
                                          } else {
                                            counts[3]++;
                                          }
                                          return null;
                                        }))
                        .onComplete(
                            result -> {
                              if (result.failed() && measured) {
                                counts[4]++;
                              }
                              counts[6]--;
                              if (counts[6] == 0 && System.nanoTime() >= end) {
                                done.countDown();
                              }
                            });
                  }
                }));
    if (!done.await(measure.plus(warmup).toSeconds() + 120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("open-loop run did not finish");
    }
    http.close();
    long[] a = Arrays.copyOf(admitted, (int) counts[1]);
    long[] r = Arrays.copyOf(refused, (int) counts[2]);
    long[] l = Arrays.copyOf(lags, lagCount[0]);
    Arrays.sort(a);
    Arrays.sort(r);
    Arrays.sort(l);
    long measuredSent = (long) (measure.toNanos() / 1e9 * rate);
    return new Result(
        a, r, l, measuredSent, counts[3], counts[4], counts[5], measure.toNanos() / 1e9);
  }

  @Override
  public void close() {
    vertx.close();
  }
}
