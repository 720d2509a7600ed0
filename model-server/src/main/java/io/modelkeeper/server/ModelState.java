package io.modelkeeper.server;

/** Where the served model is in its life: loading, ready for inference, or failed with a reason. */
public record ModelState(Phase phase, String reason) {

  /** The three phases a model passes through. */
  public enum Phase {
    LOADING,
    READY,
    FAILED
  }

  public static final ModelState LOADING = new ModelState(Phase.LOADING, "model is loading");

  public static ModelState ready() {
    return new ModelState(Phase.READY, "");
  }

  public static ModelState failed(String reason) {
    return new ModelState(Phase.FAILED, reason);
  }

  public boolean isReady() {
    return phase == Phase.READY;
  }
}
