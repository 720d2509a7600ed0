package io.modelkeeper.server.fetch;

/** A model could not be fetched; the message is the one-line reason shown to users. */
public class FetchException extends Exception {

  public FetchException(String reason) {
    super(reason);
  }

  public FetchException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
