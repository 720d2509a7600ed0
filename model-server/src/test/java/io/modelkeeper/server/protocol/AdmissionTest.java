package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.protocol.Admission.Claim;
import io.modelkeeper.server.protocol.Admission.Entry;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private final Admission admission = new Admission(2, 100);

  private static final int UNLIMITED = Integer.MAX_VALUE;

  @Test
  void requestsBeyondTheLimitAreNotAdmitted() {
    assertThat(admission.enter(UNLIMITED)).isEqualTo(Entry.ADMITTED);
    assertThat(admission.enter(UNLIMITED)).isEqualTo(Entry.ADMITTED);
    assertThat(admission.enter(UNLIMITED)).isEqualTo(Entry.AT_MAX_IN_FLIGHT);
    admission.leave();
    assertThat(admission.enter(UNLIMITED)).isEqualTo(Entry.ADMITTED);
  }

  @Test
  void theExpectedWaitLimitsBelowTheMaximum_andSaysSo() {
    assertThat(admission.enter(1)).isEqualTo(Entry.ADMITTED);
    assertThat(admission.enter(1)).isEqualTo(Entry.AT_EXPECTED_WAIT);
    // A refusal takes nothing: the next one that fits is admitted.
    assertThat(admission.enter(2)).isEqualTo(Entry.ADMITTED);
    assertThat(admission.enter(5)).isEqualTo(Entry.AT_MAX_IN_FLIGHT);
  }

  @Test
  void bytesTakenByOthersMakeARequestWait_tooManyForOneMakeItTooLarge() {
    Admission.Held first = new Admission.Held();
    Admission.Held second = new Admission.Held();
    assertThat(admission.claim(first, 60)).isEqualTo(Claim.TAKEN);
    assertThat(admission.claim(second, 60)).isEqualTo(Claim.BUSY);
    assertThat(admission.claim(second, 101)).isEqualTo(Claim.TOO_LARGE);
    admission.giveBack(first, 20);
    assertThat(admission.claim(second, 60)).isEqualTo(Claim.TAKEN);
    admission.close(first);
    admission.close(second);
    assertThat(admission.claim(new Admission.Held(), 100)).isEqualTo(Claim.TAKEN);
  }

  @Test
  void anEndedRequestTakesNothingMore_soALateWorkerCannotLeakTheBudget() {
    Admission.Held ended = new Admission.Held();
    assertThat(admission.claim(ended, 50)).isEqualTo(Claim.TAKEN);
    admission.close(ended);
    assertThat(admission.claim(ended, 50)).isEqualTo(Claim.BUSY);
    admission.giveBack(ended, 50);
    admission.close(ended);
    assertThat(admission.claim(new Admission.Held(), 100)).isEqualTo(Claim.TAKEN);
  }
}
