package io.modelkeeper.server.batching;

/**
 * The server has no room for a request now (in-flight limit, byte budget, full queue or queue
 * timeout): answered with 503 and a Retry-After header, at once and without computing anything.
 */
public final class OverloadedException extends Exception {

  public OverloadedException(String message) {
    super(message, null, false, false);
  }
}
