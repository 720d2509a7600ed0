package io.modelkeeper.e2e.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * Prints the demo's timeline, each line stamped with the time since the start, and one progress
 * line that is rewritten in place while the demo waits (on a terminal; elsewhere it prints a
 * progress line every ten seconds).
 */
final class Timeline {

  private final PrintStream out;
  private final Instant start = Instant.now();
  private final boolean terminal = System.console() != null;
  private boolean progressShown;
  private Instant lastProgress = Instant.EPOCH;

  Timeline(PrintStream out) {
    this.out = out;
  }

  synchronized void step(String text) {
    clearProgress();
    out.printf("%n[%6.1fs] == %s%n", seconds(), text);
  }

  synchronized void event(String text) {
    clearProgress();
    out.printf("[%6.1fs]    %s%n", seconds(), text);
  }

  synchronized void detail(String text) {
    clearProgress();
    out.printf("            %s%n", text);
  }

  synchronized void progress(String text) {
    if (terminal) {
      out.printf("\r\u001b[2K[%6.1fs] ... %s", seconds(), text);
      out.flush();
      progressShown = true;
    } else if (Duration.between(lastProgress, Instant.now()).getSeconds() >= 10) {
      lastProgress = Instant.now();
      out.printf("[%6.1fs] ... %s%n", seconds(), text);
    }
  }

  synchronized void clearProgress() {
    if (progressShown) {
      out.print("\r\u001b[2K");
      progressShown = false;
    }
  }

  double seconds() {
    return Duration.between(start, Instant.now()).toMillis() / 1000.0;
  }
}
