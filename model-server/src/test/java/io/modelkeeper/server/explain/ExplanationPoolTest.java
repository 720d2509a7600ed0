package io.modelkeeper.server.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExplanationPoolTest {

  @Test
  void boundsEachKind_andRunsWaitingRequestsBeforeLiveExplanations() throws Exception {
    ExplanationPool pool = new ExplanationPool(1, 1, 1, () -> null);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(3);
    List<String> order = new CopyOnWriteArrayList<>();
    try {
      assertThat(
              pool.request(
                  () -> {
                    running.countDown();
                    await(release);
                    order.add("request 1");
                    done.countDown();
                  }))
          .isTrue();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

      boolean live = pool.live(() -> ran(order, "live", done));
      boolean waiting = pool.request(() -> ran(order, "request 2", done));
      boolean overRequests = pool.request(() -> ran(order, "request 3", done));
      boolean overLive = pool.live(() -> ran(order, "live 2", done));
      release.countDown();

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(live).isTrue();
      assertThat(waiting).isTrue();
      assertThat(overRequests).as("threads + queue = 2 requests at most").isFalse();
      assertThat(overLive).as("one live explanation waiting at most").isFalse();
      assertThat(order).containsExactly("request 1", "request 2", "live");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void turn_stopsTheExplanationOfACallerWhoHungUp() throws Exception {
    ExplanationPool pool = new ExplanationPool(1, 0, 1, () -> null);
    AtomicBoolean gone = new AtomicBoolean();
    ModelRows.Turn turn = pool.turn(gone);

    turn.await();
    gone.set(true);

    assertThatThrownBy(turn::await).isInstanceOf(CancellationException.class);
    pool.shutdown();
  }

  private static void ran(List<String> order, String name, CountDownLatch done) {
    order.add(name);
    done.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
