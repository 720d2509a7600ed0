package io.modelkeeper.operator.metricsource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Reads an answer from a server a tenant controls (a model-server pod, a Prometheus named in a
 * spec) at a bounded cost: the whole exchange, body included, ends by a deadline, and a body larger
 * than the cap is cut off and refused. The JDK client's own request timeout stops at the headers,
 * so a server that trickles its body would otherwise hold a reconcile thread for good.
 */
public final class BoundedRead {

  private BoundedRead() {}

  /** The answer as text, failed when it takes longer than {@code deadline} or exceeds the cap. */
  public static CompletableFuture<HttpResponse<String>> send(
      HttpClient http, HttpRequest request, long maxBytes, Duration deadline) {
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(request, info -> new CappedBody(maxBytes));
    // Cancelling the client's future aborts the exchange and frees its connection.
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .execute(() -> exchange.cancel(true));
    return exchange;
  }

  /** Collects the body up to a cap; beyond it, stops reading and fails. */
  private static final class CappedBody implements HttpResponse.BodySubscriber<String> {

    private final long maxBytes;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (body.size() + (long) buffer.remaining() > maxBytes) {
          subscription.cancel();
          result.completeExceptionally(
              new IOException("answer larger than " + maxBytes + " bytes, not read further"));
          return;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        body.write(bytes, 0, bytes.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(body.toString(StandardCharsets.UTF_8));
    }
  }
}
