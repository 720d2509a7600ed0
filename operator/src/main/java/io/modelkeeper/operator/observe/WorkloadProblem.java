package io.modelkeeper.operator.observe;

/**
 * Something only the running workload can show is wrong with a spec, as a condition reason and a
 * message that names the spec field to change.
 */
public record WorkloadProblem(String reason, String message) {

  private static final int MAX_MESSAGE = 600;

  public WorkloadProblem {
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE - 3) + "...";
    }
  }
}
