package io.modelkeeper.server.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The admission limit follows Little's law from the measured pace: as many requests as the threads
 * finish within the queue timeout, never fewer than the threads, and no limit when turned off.
 */
class ExpectedWaitTest {

  @Test
  void admitsWhatTheThreadsFinishWithinTheTimeout() {
    ExpectedWait wait = new ExpectedWait(2, Duration.ofMillis(2), true);
    assertThat(wait.limit()).isEqualTo(Integer.MAX_VALUE);

    // 8 requests in 1.6 ms: 0.2 ms each, 2 threads, so 20 finish within 2 ms.
    wait.ran(8, 1_600_000);

    assertThat(wait.nanosPerRequest()).isEqualTo(200_000);
    assertThat(wait.limit()).isEqualTo(20);
  }

  @Test
  void followsTheMeasuredPaceGradually() {
    ExpectedWait wait = new ExpectedWait(1, Duration.ofMillis(4), true);
    wait.ran(1, 1_000_000);
    assertThat(wait.limit()).isEqualTo(4);

    // The pace doubles (batches of 4 in 2 ms); one sample moves the average by a sixteenth.
    wait.ran(4, 2_000_000);
    assertThat(wait.nanosPerRequest()).isEqualTo(1_000_000 - 500_000 / 16);
    for (int i = 0; i < 200; i++) {
      wait.ran(4, 2_000_000);
    }
    assertThat(wait.nanosPerRequest()).isBetween(500_000L, 510_000L);
    assertThat(wait.limit()).isEqualTo(8);
  }

  @Test
  void neverFewerThanTheThreads() {
    ExpectedWait wait = new ExpectedWait(3, Duration.ofMillis(1), true);

    // A run takes 50 ms: no request can be answered within 1 ms, but the threads still work.
    wait.ran(1, 50_000_000);

    assertThat(wait.limit()).isEqualTo(3);
  }

  @Test
  void noLimitWhenOffOrWithoutATimeout() {
    ExpectedWait off = new ExpectedWait(2, Duration.ofMillis(2), false);
    ExpectedWait noTimeout = new ExpectedWait(2, Duration.ZERO, true);

    off.ran(1, 50_000_000);
    noTimeout.ran(1, 50_000_000);

    assertThat(off.limit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(noTimeout.limit()).isEqualTo(Integer.MAX_VALUE);
  }
}
