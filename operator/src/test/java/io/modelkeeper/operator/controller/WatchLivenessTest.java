package io.modelkeeper.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WatchLivenessTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void brokenWatchesAreForgivenForTheGracePeriodThenAskForARestart() {
    var brokenSince = new WatchLiveness.BrokenSince();
    assertThat(brokenSince.alive(true, T0)).isTrue();
    assertThat(brokenSince.alive(false, T0)).isTrue();
    assertThat(brokenSince.alive(false, T0.plus(WatchLiveness.GRACE).minusSeconds(1))).isTrue();
    assertThat(brokenSince.alive(false, T0.plus(WatchLiveness.GRACE))).isFalse();
  }

  @Test
  void watchesThatRecoverResetTheClock() {
    var brokenSince = new WatchLiveness.BrokenSince();
    brokenSince.alive(false, T0);
    assertThat(brokenSince.alive(true, T0.plusSeconds(60))).isTrue();
    assertThat(brokenSince.alive(false, T0.plusSeconds(100))).isTrue();
    assertThat(brokenSince.alive(false, T0.plus(WatchLiveness.GRACE).plusSeconds(99))).isTrue();
    assertThat(brokenSince.alive(false, T0.plus(WatchLiveness.GRACE).plusSeconds(100))).isFalse();
  }
}
