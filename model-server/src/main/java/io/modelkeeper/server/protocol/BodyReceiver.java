package io.modelkeeper.server.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives one inference request's body into a byte array that grows with the bytes that actually
 * arrive (never with what Content-Length claims), taking each growth from the in-flight byte
 * budget. A body over the size limit, over the budget, or slower than the body timeout is refused
 * at once; whatever it still sends is read and dropped, so the connection stays usable and holds no
 * memory.
 */
final class BodyReceiver {

  private static final int FIRST_CAPACITY = 16 * 1024;

  /** What became of the body. */
  interface Outcome {
    void received(byte[] bytes, int length);

    void refused(int status, String message);
  }

  private final HttpServerRequest request;
  private final long maxBytes;
  private final Admission admission;
  private final AtomicLong held;
  private final Outcome outcome;
  private byte[] bytes = new byte[0];
  private int length;
  private boolean done;

  private BodyReceiver(
      HttpServerRequest request,
      long maxBytes,
      Admission admission,
      AtomicLong held,
      Outcome outcome) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.admission = admission;
    this.held = held;
    this.outcome = outcome;
  }

  /**
   * Starts receiving; {@code held} accumulates the bytes taken from the budget, for the caller to
   * give back when the request ends.
   */
  static void receive(
      Vertx vertx,
      HttpServerRequest request,
      long maxBytes,
      long timeoutMillis,
      Admission admission,
      AtomicLong held,
      Outcome outcome) {
    BodyReceiver receiver = new BodyReceiver(request, maxBytes, admission, held, outcome);
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      receiver.refuse(413, tooLarge(maxBytes));
    }
    long timer =
        timeoutMillis <= 0
            ? -1
            : vertx.setTimer(
                timeoutMillis,
                id ->
                    receiver.refuse(
                        408,
                        "the request body did not arrive within "
                            + timeoutMillis
                            + " ms (MODELKEEPER_BODY_TIMEOUT)"));
    request.handler(receiver::append);
    request.exceptionHandler(failure -> receiver.done = true);
    request.endHandler(
        ended -> {
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
          receiver.end();
        });
    if (request.isEnded()) {
      receiver.end();
    } else {
      request.resume();
    }
  }

  private static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader("Content-Length");
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String tooLarge(long maxBytes) {
    return "request body exceeds the limit of "
        + maxBytes
        + " bytes (MODELKEEPER_MAX_REQUEST_SIZE)";
  }

  private void append(Buffer chunk) {
    if (done) {
      return;
    }
    int size = chunk.length();
    if ((long) length + size > maxBytes) {
      refuse(413, tooLarge(maxBytes));
      return;
    }
    if (length + size > bytes.length) {
      int capacity = (int) Math.min(maxBytes, Math.max(FIRST_CAPACITY, 2L * (length + size)));
      if (!admission.reserve(capacity - bytes.length)) {
        refuse(
            503,
            "the server holds as many request bytes as it may (MODELKEEPER_MAX_IN_FLIGHT_BYTES)");
        return;
      }
      held.addAndGet(capacity - bytes.length);
      bytes = Arrays.copyOf(bytes, capacity);
    }
    chunk.getBytes(0, size, bytes, length);
    length += size;
  }

  private void end() {
    if (!done) {
      done = true;
      outcome.received(bytes, length);
    }
  }

  private void refuse(int status, String message) {
    if (!done) {
      done = true;
      bytes = null;
      outcome.refused(status, message);
    }
  }
}
