package io.modelkeeper.cli;

/** A mistake to tell the user in one message, without a stack trace. */
final class CliException extends RuntimeException {

  CliException(String message) {
    super(message);
  }
}
