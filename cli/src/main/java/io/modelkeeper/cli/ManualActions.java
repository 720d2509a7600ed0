package io.modelkeeper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * promote, abort, pause and resume, through what the operator already honours: the annotations
 * modelkeeper.io/promote and modelkeeper.io/abort (metadata, which a GitOps tool leaves alone
 * unless Git sets them), and spec.rollout.paused (the spec, which a GitOps tool owns: written only
 * when no GitOps tool is seen to manage the object, or with --force, and always with a note).
 */
final class ManualActions {

  static final String PROMOTE = "modelkeeper.io/promote";
  static final String ABORT = "modelkeeper.io/abort";

  /** How long to wait for the operator to acknowledge an action before telling the user so. */
  static final Duration ACKNOWLEDGE = Duration.ofSeconds(30);

  private final Kubectl kubectl;
  private final Style style;
  private final Clock clock;
  private final Output out;

  /** Where a command's lines go: stdout for results, stderr for notes. */
  interface Output {
    void result(String line);

    void note(String line);
  }

  ManualActions(Kubectl kubectl, Style style, Clock clock, Output out) {
    this.kubectl = kubectl;
    this.style = style;
    this.clock = clock;
    this.out = out;
  }

  void promote(String name) {
    JsonNode canary = runningCanary(name, "promote");
    annotateOnce(name, PROMOTE, "now", canary);
    out.result(
        style.status(Style.OK, "md/" + name)
            + ": canary "
            + describe(canary)
            + " is being promoted; it becomes stable once all its pods are ready");
  }

  void abort(String name, String reason) {
    JsonNode canary = runningCanary(name, "abort");
    String value = reason == null || reason.isBlank() ? "aborted with kubectl modelkeeper" : reason;
    annotateOnce(name, ABORT, value, canary);
    out.result(
        style.status(Style.FAILED, "md/" + name)
            + ": canary "
            + describe(canary)
            + " is rolled back ("
            + value
            + "); the stable version keeps serving");
  }

  void setPaused(String name, boolean paused, boolean force) {
    JsonNode md = get(name);
    Optional<String> gitOps = GitOpsOwner.of(md);
    if (gitOps.isPresent() && !force) {
      throw new CliException(
          "md/"
              + name
              + " is managed by "
              + gitOps.get()
              + ", which would set spec.rollout.paused back: change it in Git, or pass --force to"
              + " write it anyway");
    }
    out.note(
        "note: spec.rollout.paused is part of md/"
            + name
            + "'s spec"
            + (gitOps.isPresent()
                ? " and " + gitOps.get() + " manages it: it may set it back"
                : ": if a GitOps tool applies this object, set it in Git too"));
    kubectl
        .start(
            "patch",
            ModelSnapshot.RESOURCE,
            name,
            "--type=merge",
            "-p",
            "{\"spec\":{\"rollout\":{\"paused\":" + paused + "}}}")
        .text();
    boolean hasCanary = md.path("status").has("canary");
    if (hasCanary) {
      waitFor(
          name,
          m ->
              m.path("status").path("canary").path("paused").asBoolean(false) == paused
                  || !m.path("status").has("canary"),
          "the operator to report the canary " + (paused ? "paused" : "resumed"));
    }
    String what = paused ? "paused" : "resumed";
    out.result(
        style.status(paused ? Style.PAUSED : Style.OK, "md/" + name)
            + ": rollout "
            + what
            + (hasCanary
                ? " at step "
                    + md.path("status").path("canary").path("stepDisplay").asText(Figures.NONE)
                : " (no canary runs now; the setting applies to the next one)"));
  }

  /**
   * Sets the annotation so that it acts on this canary: an earlier value the operator already
   * recorded is removed first (an annotation acts once per value), then, once the operator has
   * recorded the new one, it is removed again so the object is left as it was.
   */
  private void annotateOnce(String name, String key, String value, JsonNode canary) {
    JsonNode md = get(name);
    String present = md.path("metadata").path("annotations").path(key).asText(null);
    if (present != null) {
      kubectl.start("annotate", ModelSnapshot.RESOURCE, name, key + "-").text();
      waitFor(name, m -> recorded(m, key).isEmpty(), "the operator to forget the earlier " + key);
    }
    kubectl
        .start("annotate", "--overwrite", ModelSnapshot.RESOURCE, name, key + "=" + value)
        .text();
    JsonNode done =
        waitFor(
            name,
            m -> recorded(m, key).filter(a -> a.path("value").asText().equals(value)).isPresent(),
            "the operator to act on " + key);
    JsonNode action = recorded(done, key).orElseThrow();
    if (!action.path("version").asText("").equals(canary.path("version").asText())) {
      throw new CliException(
          "the operator saw "
              + key
              + " while no canary ran: nothing was done (see status.manualActions)");
    }
    kubectl.start("annotate", ModelSnapshot.RESOURCE, name, key + "-").text();
  }

  private JsonNode runningCanary(String name, String verb) {
    JsonNode canary = get(name).path("status").path("canary");
    if (canary.isMissingNode()) {
      throw new CliException("md/" + name + " has no canary to " + verb);
    }
    return canary;
  }

  private static Optional<JsonNode> recorded(JsonNode md, String key) {
    for (JsonNode action : md.path("status").path("manualActions")) {
      if (action.path("annotation").asText().equals(key)) {
        return Optional.of(action);
      }
    }
    return Optional.empty();
  }

  private JsonNode waitFor(String name, java.util.function.Predicate<JsonNode> done, String what) {
    Instant deadline = clock.instant().plus(ACKNOWLEDGE);
    while (true) {
      JsonNode md = get(name);
      if (done.test(md)) {
        return md;
      }
      if (clock.instant().isAfter(deadline)) {
        throw new CliException(
            "waited " + ACKNOWLEDGE.toSeconds() + "s for " + what + ": is the operator running?");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
    }
  }

  private JsonNode get(String name) {
    return kubectl.start("get", ModelSnapshot.RESOURCE, name, "-o", "json").json();
  }

  static String describe(JsonNode arm) {
    return "version "
        + arm.path("version").asText()
        + " (revision "
        + arm.path("revision").asText("?")
        + ")";
  }
}
