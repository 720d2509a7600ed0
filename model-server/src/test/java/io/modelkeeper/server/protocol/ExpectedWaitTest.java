package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The admission limit follows the measured time from arrival to answer: it shrinks while answers
 * take longer than the queue timeout, grows back while they are faster, lands on Little's law at
 * saturation, and stays between the inference threads and the in-flight maximum.
 */
class ExpectedWaitTest {

  private static final long MS = 1_000_000;

  @Test
  void startsAtTheMaximumAndShrinksWhileAnswersAreLate_neverBelowTheThreads() {
    ExpectedWait wait = new ExpectedWait(2, 256, Duration.ofMillis(2), true);
    assertThat(wait.limit()).isEqualTo(256);

    for (int i = 0; i < 32; i++) {
      wait.answered(10 * MS);
    }
    // One round of late answers: at most halved.
    assertThat(wait.limit()).isEqualTo(128);
    for (int i = 0; i < 1000; i++) {
      wait.answered(10 * MS);
    }
    assertThat(wait.limit()).isEqualTo(2);
  }

  @Test
  void growsBackWhileAnswersAreFast_toTheMaximumAtMost() {
    ExpectedWait wait = new ExpectedWait(1, 64, Duration.ofMillis(2), true);
    for (int i = 0; i < 1000; i++) {
      wait.answered(10 * MS);
    }
    assertThat(wait.limit()).isEqualTo(1);

    for (int i = 0; i < 1000; i++) {
      wait.answered(MS / 2);
    }

    assertThat(wait.limit()).isEqualTo(64);
  }

  @Test
  void atSaturationLandsOnWhatTheServerAnswersWithinTheTimeout() {
    // A server answering 10 requests a millisecond: n in flight take n/10 ms each (Little's law).
    ExpectedWait wait = new ExpectedWait(1, 256, Duration.ofMillis(2), true);
    for (int i = 0; i < 5000; i++) {
      wait.answered(wait.limit() * MS / 10);
    }

    assertThat(wait.limit()).isBetween(18, 22);
    assertThat(wait.meanNanos()).isBetween(18 * MS / 10, 22 * MS / 10);
  }

  @Test
  void noLimitWhenOffOrWithoutATimeout() {
    ExpectedWait off = new ExpectedWait(2, 32, Duration.ofMillis(2), false);
    ExpectedWait noTimeout = new ExpectedWait(2, 32, Duration.ZERO, true);

    for (int i = 0; i < 100; i++) {
      off.answered(50 * MS);
      noTimeout.answered(50 * MS);
    }

    assertThat(off.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(noTimeout.limit()).isEqualTo(Integer.MAX_VALUE);
  }
}
