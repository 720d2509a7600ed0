package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.api.v1alpha1.GuardsSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardsTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-06-07T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void nothingHoldsAFirstRun() {
    assertThat(
            Guards.check(new GuardsSpec(), state(0, null, null, null, List.of()), clock.instant()))
        .isEmpty();
  }

  @Test
  void eachGuardHoldsAndNamesItselfInOrder() {
    Instant now = clock.instant();
    GuardsSpec spec = new GuardsSpec(); // cooldown 6h, 4 a day, 3 failures
    Instant hourAgo = now.minus(Duration.ofHours(1));
    Instant sevenHoursAgo = now.minus(Duration.ofHours(7));
    List<Instant> four =
        List.of(
            now.minus(Duration.ofHours(23)),
            now.minus(Duration.ofHours(20)),
            now.minus(Duration.ofHours(10)),
            sevenHoursAgo);

    assertThat(guard(spec, state(3, "fraud-r4", "the canary of version 2", hourAgo, four), now))
        .isEqualTo(Guards.CONSECUTIVE_FAILURES);
    assertThat(guard(spec, state(2, "fraud-r4", "the canary of version 2", hourAgo, four), now))
        .isEqualTo(Guards.RUN_IN_FLIGHT);
    assertThat(guard(spec, state(0, null, "the canary of version 2", hourAgo, four), now))
        .isEqualTo(Guards.CANARY_RUNNING);
    assertThat(guard(spec, state(0, null, null, hourAgo, four), now)).isEqualTo(Guards.COOLDOWN);
    assertThat(guard(spec, state(0, null, null, sevenHoursAgo, four), now))
        .isEqualTo(Guards.MAX_RUNS_PER_DAY);
    assertThat(guard(spec, state(0, null, null, sevenHoursAgo, four.subList(1, 4)), now))
        .as("three in the last day, the cooldown passed")
        .isNull();
  }

  @Test
  void theCooldownEndsExactlyWhenItSays() {
    GuardsSpec spec = new GuardsSpec();
    spec.setCooldown("30m");
    Instant last = clock.instant();
    var held =
        Guards.check(spec, state(0, null, null, last, List.of(last)), last.plusSeconds(1799));
    assertThat(held)
        .get()
        .satisfies(h -> assertThat(h.message()).contains(last.plusSeconds(1800).toString()));
    assertThat(
            Guards.check(spec, state(0, null, null, last, List.of(last)), last.plusSeconds(1800)))
        .isEmpty();
  }

  @Test
  void onlyTheLastDaysStartsAreKept() {
    Instant now = clock.instant();
    assertThat(Guards.recent(List.of(now.minus(Duration.ofHours(25)), now.minusSeconds(5)), now))
        .containsExactly(now.minusSeconds(5));
  }

  private static String guard(GuardsSpec spec, Guards.State state, Instant now) {
    return Guards.check(spec, state, now).map(Guards.Hold::guard).orElse(null);
  }

  private static Guards.State state(
      int failures, String inFlight, String canary, Instant last, List<Instant> recent) {
    return new Guards.State(failures, inFlight, canary, last, recent);
  }
}
