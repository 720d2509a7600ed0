package io.modelkeeper.server.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Ids that name their pod, and finding a pod by its token among the model's own pods only. */
class PodIdentityTest {
  private static final String RANDOM = "0b6f2a43-8a5e-4c1d-9a70-3e1f00c2d9ab";

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  @Test
  void mintedIdsEndWithThePodsTokenAndAnotherPodsIdIsElsewhere() throws Exception {
    PodIdentity here = new PodIdentity(ip("10.1.0.5"), List.of("pods"), name -> new InetAddress[0]);
    PodIdentity there =
        new PodIdentity(ip("10.1.0.6"), List.of("pods"), name -> new InetAddress[0]);

    String id = here.mint(RANDOM);

    assertThat(id).isEqualTo(RANDOM + "." + PodToken.of(ip("10.1.0.5")));
    assertThat(PodToken.in(id)).hasSize(12).matches("[0-9a-f]+");
    assertThat(here.elsewhere(id)).isFalse();
    assertThat(there.elsewhere(id)).isTrue();
    assertThat(here.elsewhere(RANDOM)).as("a caller's own id names no pod").isFalse();
    assertThat(here.elsewhere("order-17.ABCDEF012345")).as("upper case is no token").isFalse();
  }

  @Test
  void withoutAPodIpIdsArePlainAndNothingIsForwarded() {
    PodIdentity alone = new PodIdentity(null, List.of(), name -> new InetAddress[0]);

    assertThat(alone.mint(RANDOM)).isEqualTo(RANDOM);
    assertThat(alone.forwards()).isFalse();
    assertThat(alone.elsewhere(RANDOM + ".0123456789ab")).isFalse();
  }

  @Test
  void aTokenIsFoundOnlyAmongTheModelsPods() throws Exception {
    InetAddress member = ip("10.1.0.6");
    PodIdentity here =
        new PodIdentity(ip("10.1.0.5"), List.of("pods"), name -> new InetAddress[] {member});

    assertThat(here.podOf(RANDOM + "." + PodToken.of(member))).isEqualTo(member);
    assertThat(here.podOf(RANDOM + "." + PodToken.of(ip("169.254.169.254")))).isNull();
    assertThat(here.podOf(RANDOM)).isNull();
  }

  @Test
  void anUnknownTokenLooksThePodsUpAgainAtMostOnceASecond() throws Exception {
    AtomicLong now = new AtomicLong(10_000);
    List<String> lookups = new ArrayList<>();
    List<InetAddress> current = new ArrayList<>(List.of(ip("10.1.0.6")));
    ModelPods pods =
        new ModelPods(
            List.of("fraud-pods"),
            name -> {
              lookups.add(name);
              return current.toArray(InetAddress[]::new);
            },
            now::get);
    String newPod = PodToken.of(ip("10.1.0.7"));

    assertThat(pods.find(newPod)).isNull();
    current.add(ip("10.1.0.7"));
    for (int i = 0; i < 50; i++) {
      assertThat(pods.find(newPod)).as("within the second").isNull();
    }
    assertThat(lookups).hasSize(1);
    now.addAndGet(1000);

    assertThat(pods.find(newPod)).isEqualTo(ip("10.1.0.7"));
    assertThat(pods.find(PodToken.of(ip("10.1.0.6")))).isEqualTo(ip("10.1.0.6"));
    assertThat(lookups).hasSize(2);
  }

  @Test
  void aPodIpThatIsNoAddressIsRefusedWithoutALookup() throws Exception {
    assertThatThrownBy(() -> PodIdentity.literal("pod-a.example.com"))
        .hasMessageContaining("MODELKEEPER_POD_IP must be an IP address");
    assertThat(PodIdentity.literal("fd00::17")).isEqualTo(InetAddress.getByName("fd00::17"));
  }
}
