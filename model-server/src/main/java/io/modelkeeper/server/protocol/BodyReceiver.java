package io.modelkeeper.server.protocol;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Receives one inference request's body chunk by chunk as it actually arrives (never sized by what
 * Content-Length claims), taking each chunk, and the joined body at the end, from the in-flight
 * byte budget. A body over the size limit, over the budget, or slower than the body timeout is
 * refused at once; whatever it still sends is read and dropped, so the connection stays usable and
 * holds no memory.
 */
final class BodyReceiver {

  /** What became of the body. */
  interface Outcome {
    void received(byte[] bytes, int length);

    void refused(int status, String message);
  }

  private final HttpServerRequest request;
  private final long maxBytes;
  private final Admission admission;
  private final Admission.Held held;
  private final Outcome outcome;
  private final List<Buffer> chunks = new ArrayList<>();
  private int length;
  private boolean done;

  private BodyReceiver(
      HttpServerRequest request,
      long maxBytes,
      Admission admission,
      Admission.Held held,
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
      Admission.Held held,
      Outcome outcome) {
    BodyReceiver receiver = new BodyReceiver(request, maxBytes, admission, held, outcome);
    long declared = declaredLength(request);
    if (declared > maxBytes) {
      receiver.refuse(413, tooLarge(maxBytes));
    }
    if (request.isEnded()) {
      // The whole body is here: no timer to set (and none left to fire, holding the request, long
      // after it was answered).
      receiver.end();
      return;
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
    request.resume();
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
    if (!take(size)) {
      return;
    }
    // The chunks are kept as they came and joined once at the end: no array doubling, and only
    // one large array for the collector to place.
    chunks.add(chunk);
    length += size;
  }

  private boolean take(long bytes) {
    Admission.Claim claim = admission.claim(held, bytes);
    if (claim != Admission.Claim.TAKEN) {
      refuse(claim == Admission.Claim.BUSY ? 503 : 413, admission.refusal(claim));
      return false;
    }
    return true;
  }

  private void end() {
    if (done) {
      return;
    }
    if (chunks.size() > 1 && !take(length)) {
      return;
    }
    done = true;
    byte[] bytes;
    if (chunks.size() == 1 && chunks.get(0).getByteBuf().hasArray()) {
      bytes = chunks.get(0).getBytes();
    } else {
      bytes = new byte[length];
      int offset = 0;
      for (Buffer chunk : chunks) {
        chunk.getBytes(0, chunk.length(), bytes, offset);
        offset += chunk.length();
      }
    }
    if (chunks.size() > 1) {
      // The chunks are garbage now: only the joined body is held.
      admission.giveBack(held, length);
    }
    chunks.clear();
    outcome.received(bytes, length);
  }

  private void refuse(int status, String message) {
    if (!done) {
      done = true;
      chunks.clear();
      outcome.refused(status, message);
    }
  }
}
