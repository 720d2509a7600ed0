package io.modelkeeper.server.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelkeeper.server.models.DenseNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Many callers sending distinct rows at once; each must get back exactly its own results. */
public final class ConcurrentCallers {

  private ConcurrentCallers() {}

  public static void assertEachGetsItsOwnRows(
      Http http, String path, DenseNetwork network, int callers, int rounds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int round = 0; round < rounds; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int caller = 0; caller < callers; caller++) {
          Random random = new Random(round * 1000L + caller);
          int rows = 1 + random.nextInt(3);
          float[] values = TestModels.randomRows(random, rows, network.features());
          String id = "r" + round + "-c" + caller;
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    Map<String, Object> request =
                        Map.of(
                            "id",
                            id,
                            "inputs",
                            List.of(
                                Map.of(
                                    "name",
                                    network.inputName(),
                                    "datatype",
                                    "FP32",
                                    "shape",
                                    List.of(rows, network.features()),
                                    "data",
                                    values)));
                    Http.Reply reply = http.postJson(path, request);
                    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
                    JsonNode body = reply.json();
                    assertThat(body.get("id").asText()).isEqualTo(id);
                    JsonNode data = body.at("/outputs/0/data");
                    float[] expected = ForwardPass.rows(network, values, rows);
                    assertThat(data.size()).isEqualTo(expected.length);
                    for (int i = 0; i < expected.length; i++) {
                      assertThat(data.get(i).floatValue())
                          .as("%s value %d", id, i)
                          .isCloseTo(expected[i], within(1e-5f));
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> result : results) {
          result.get();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
