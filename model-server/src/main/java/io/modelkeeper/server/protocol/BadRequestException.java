package io.modelkeeper.server.protocol;

/** The caller's mistake: answered with a 4xx status and a message that names what was wrong. */
public class BadRequestException extends Exception {

  private final int status;

  public BadRequestException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public BadRequestException(String message) {
    this(400, message);
  }

  public int status() {
    return status;
  }
}
