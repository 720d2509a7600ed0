package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLimitsTest {

  @Test
  void elementsSaturateInsteadOfOverflowing() {
    assertThat(RequestLimits.elements(new long[] {})).isEqualTo(1);
    assertThat(RequestLimits.elements(new long[] {3, 16})).isEqualTo(48);
    assertThat(RequestLimits.elements(new long[] {1L << 32, 1L << 32})).isEqualTo(Long.MAX_VALUE);
    assertThat(RequestLimits.elements(new long[] {Long.MAX_VALUE, 2, 1})).isEqualTo(Long.MAX_VALUE);
    assertThat(RequestLimits.elements(new long[] {1L << 31, 1L << 31, 4, 0}))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void elementLimitNeverExceedsWhatAnArrayHolds() {
    assertThat(new RequestLimits(10, Long.MAX_VALUE).maxElements())
        .isEqualTo(Integer.MAX_VALUE / 8);
  }
}
