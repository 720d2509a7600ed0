package io.modelkeeper.trainer;

/** A problem with the trainer's input that the user must fix; its message is the one-line error. */
public final class TrainerException extends RuntimeException {

  public TrainerException(String message) {
    super(message);
  }

  public TrainerException(String message, Throwable cause) {
    super(message, cause);
  }
}
