package io.modelkeeper.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelkeeper.server.protocol.Admission.Claim;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  private final Admission admission = new Admission(2, 100);

  @Test
  void requestsBeyondTheLimitAreNotAdmitted() {
    assertThat(admission.enter()).isTrue();
    assertThat(admission.enter()).isTrue();
    assertThat(admission.enter()).isFalse();
    admission.leave();
    assertThat(admission.enter()).isTrue();
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
