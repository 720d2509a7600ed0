package io.modelkeeper.server.explain;

/** An explanation request refused, with the HTTP status to answer and a message for the caller. */
public final class ExplainException extends Exception {
  private final int status;

  public ExplainException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
