package io.modelkeeper.server;

import io.modelkeeper.contract.DatasetBucket;
import io.modelkeeper.server.fetch.DatasetFetchCommand;
import io.modelkeeper.server.fetch.FetchCommand;
import io.modelkeeper.server.fetch.ModelFetcher;
import io.modelkeeper.server.models.SampleModelWriter;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;
import java.security.Security;
import java.time.Clock;

/**
 * Entry point of the jar: no argument serves the model; {@code fetch} and {@code fetch-dataset} are
 * the init-container modes; {@code write-samples <dir>} regenerates the sample models.
 */
@QuarkusMain
public final class ModelServerMain {

  private ModelServerMain() {}

  public static void main(String... args) throws Exception {
    if (args.length > 0 && args[0].equals("fetch")) {
      // Runs without booting the server: the init container only copies a file.
      FetchCommand command = new FetchCommand(ModelFetcher::new, FetchCommand.TERMINATION_LOG);
      System.exit(command.run(System.getenv(), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals(DatasetBucket.FETCH_COMMAND)) {
      // The dataset of a training or evaluation pod, from spec.dataset.uri.
      DatasetFetchCommand command =
          new DatasetFetchCommand(Clock.systemUTC(), FetchCommand.TERMINATION_LOG);
      System.exit(command.run(System.getenv(), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("write-samples")) {
      Path directory = Path.of(args.length > 1 ? args[1] : "examples/models");
      SampleModelWriter.writeAll(directory);
      System.out.println("wrote sample models to " + directory.toAbsolutePath());
      System.exit(0);
    }
    if (Security.getProperty("networkaddress.cache.ttl") == null) {
      // The JVM keeps name lookups for 30 s: too long to learn of a new pod of the model (the
      // headless Service behind MODELKEEPER_PEERS), which ModelPods looks up at most once a second.
      Security.setProperty("networkaddress.cache.ttl", "2");
    }
    Quarkus.run(args);
  }
}
