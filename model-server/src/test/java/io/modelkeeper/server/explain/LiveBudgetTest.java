package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LiveBudgetTest {

  @Test
  void aTenthOfACore_restsNineTimesTheExplanationsTime() {
    LiveBudget budget = new LiveBudget(0.1, 1_000);

    assertThat(budget.resting(1_000)).isFalse();
    budget.spent(1_000, 2_000);

    assertThat(budget.resting(2_000)).isTrue();
    assertThat(budget.resting(10_999)).isTrue();
    assertThat(budget.resting(11_000)).isFalse();
  }

  @Test
  void aWholeCore_neverRests() {
    LiveBudget budget = new LiveBudget(1, 0);

    budget.spent(0, 5_000);

    assertThat(budget.resting(5_000)).isFalse();
  }

  @Test
  void moreThanACore_isAWholeCore() {
    LiveBudget budget = new LiveBudget(4, 0);

    budget.spent(0, 5_000);

    assertThat(budget.resting(5_000)).isFalse();
  }

  @Test
  void aShareOfZero_isRefusedWithTheSettingsName() {
    assertThatThrownBy(() -> new LiveBudget(0, 0))
        .hasMessageContaining("MODELKEEPER_EXPLAIN_LIVE_CPU");
  }
}
