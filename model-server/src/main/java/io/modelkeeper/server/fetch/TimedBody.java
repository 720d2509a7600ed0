package io.modelkeeper.server.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read as a stream that gives up, and cancels the download, when no data comes for
 * the read timeout or the deadline passes: the JDK client's own timeout stops at the headers, and
 * its stream would wait forever on a host that stalls mid-body.
 */
final class TimedBody extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

  /** Why a download stopped early; its message is the reason users see. */
  static final class Stopped extends IOException {
    Stopped(String reason) {
      super(reason);
    }
  }

  private static final Object END = new Object();

  private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
  private final Duration readTimeout;
  private final long deadlineNanos;
  private volatile Flow.Subscription subscription;
  private boolean ended;

  TimedBody(Duration readTimeout, long deadlineNanos) {
    this.readTimeout = readTimeout;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    arrivals.add(items);
  }

  @Override
  public void onError(Throwable failure) {
    arrivals.add(failure);
  }

  @Override
  public void onComplete() {
    arrivals.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    ByteBuffer current = buffers.peek();
    while (current == null || !current.hasRemaining()) {
      if (current != null) {
        buffers.poll();
      } else if (ended || !awaitMore()) {
        return -1;
      }
      current = buffers.peek();
    }
    int n = Math.min(length, current.remaining());
    current.get(target, offset, n);
    return n;
  }

  /** Waits for the next piece; false at the end of the body. */
  @SuppressWarnings("unchecked")
  private boolean awaitMore() throws IOException {
    long left = deadlineNanos - System.nanoTime();
    long wait = Math.min(readTimeout.toNanos(), left);
    Object next;
    try {
      next = wait <= 0 ? null : arrivals.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new Stopped("interrupted");
    }
    if (next == null) {
      close();
      throw new Stopped(
          wait < readTimeout.toNanos()
              ? "the download deadline passed (MODELKEEPER_FETCH_DEADLINE)"
              : "no data for "
                  + FetchLimits.describe(readTimeout)
                  + " (MODELKEEPER_FETCH_READ_TIMEOUT)");
    }
    if (next == END) {
      ended = true;
      return false;
    }
    if (next instanceof Throwable failure) {
      ended = true;
      throw failure instanceof IOException io ? io : new IOException(failure);
    }
    buffers.addAll((List<ByteBuffer>) next);
    subscription.request(1);
    return true;
  }

  @Override
  public void close() {
    Flow.Subscription current = subscription;
    if (current != null && !ended) {
      ended = true;
      current.cancel();
    }
  }
}
