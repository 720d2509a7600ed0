package io.modelkeeper.server.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The server configurations the Quarkus tests run against, each with its own model file. */
public final class Profiles {

  private Profiles() {}

  /** The sample MLP as "mlp" version "3", batching up to 32 rows within 5 ms, never inline. */
  public static class Mlp implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.version", "3",
          "modelkeeper.model.uri", TestModels.mlpFile().toUri().toString(),
          "modelkeeper.max-batch-size", "32",
          "modelkeeper.max-queue-delay", "5ms",
          "modelkeeper.max-request-size", "64K",
          // Every request goes through the queue, so that concurrent callers always batch.
          "modelkeeper.inline-run-limit-micros", "0");
    }
  }

  /**
   * The logistic regression with batching off and CUDA requested on a machine without it; light
   * enough that lone requests run inline.
   */
  public static class UnbatchedCudaRequested implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "lr",
          "modelkeeper.model.version", "1",
          "modelkeeper.model.uri", TestModels.logisticRegressionFile().toUri().toString(),
          "modelkeeper.max-batch-size", "1",
          "modelkeeper.execution-provider", "cuda");
    }
  }

  /** A pass-through model with FP64, INT32, INT64 and BOOL inputs. */
  public static class Typed implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name",
          "typed",
          "modelkeeper.model.uri",
          TestModels.typedIdentityFile().toUri().toString());
    }
  }

  /** A model file that is not ONNX. */
  public static class Broken implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name",
          "broken",
          "modelkeeper.model.uri",
          TestModels.notAModelFile().toUri().toString());
    }
  }

  /** The sample MLP with one request in flight at most, to see the excess refused. */
  public static class OneInFlight implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.uri", TestModels.mlpFile().toUri().toString(),
          "modelkeeper.max-in-flight", "1",
          "modelkeeper.body-timeout", "2s");
    }
  }

  /**
   * The sample MLP on one inference thread with a queue timeout of a microsecond: every request
   * takes longer than that, so admission falls to one request at a time.
   */
  public static class NoRoomToWait implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.uri", TestModels.mlpFile().toUri().toString(),
          "modelkeeper.inference-threads", "1",
          "modelkeeper.queue-timeout", "PT0.000001S",
          "modelkeeper.body-timeout", "5s");
    }
  }

  /** The sample MLP accepting bodies of 64 MB and 800,000 rows, for a slow 50 MB upload. */
  public static class LargeBodies implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "modelkeeper.model.name", "mlp",
          "modelkeeper.model.uri", TestModels.mlpFile().toUri().toString(),
          "modelkeeper.max-request-size", "64M",
          "modelkeeper.max-request-rows", "1000000",
          "modelkeeper.max-request-elements", "16000000",
          "modelkeeper.max-in-flight-bytes", "1G");
    }
  }
}
