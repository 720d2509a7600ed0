package io.modelkeeper.e2e.cluster;

import io.modelkeeper.e2e.demo.Demo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point behind {@code e2e/bin/modelkeeper-local}: {@code serve} runs the local cluster until
 * stopped (what {@code up} starts in the background; {@code --prometheus} adds a real Prometheus),
 * {@code demo} runs the demo from start to a clean stop. Both stop every process on exit, Ctrl-C
 * included.
 */
public final class LocalClusterMain {

  private LocalClusterMain() {}

  public static void main(String[] args) throws Exception {
    String command = args.length > 0 ? args[0] : "";
    Path stateDir = null;
    boolean prometheus = false;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--prometheus")) {
        prometheus = true;
      } else if (stateDir == null && !args[i].startsWith("--")) {
        stateDir = Path.of(args[i]);
      } else {
        usage();
      }
    }
    LocalCluster.Layout layout = LocalCluster.Layout.fromWorkingDirectory(stateDir);
    switch (command) {
      case "serve" -> serve(layout, prometheus);
      case "demo" -> demo(layout);
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: LocalClusterMain serve [--prometheus] [state-dir] | demo [state-dir]");
    System.exit(2);
  }

  private static void serve(LocalCluster.Layout layout, boolean withPrometheus)
      throws InterruptedException {
    Instant begin = Instant.now();
    LocalCluster cluster;
    try {
      cluster =
          LocalCluster.start(
              layout,
              true,
              OperatorProcess.LOCAL_RECONCILE_INTERVAL,
              withPrometheus,
              line -> System.out.println("  " + line));
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  cluster.close();
                  deleteQuietly(layout.stateDir().resolve("ready"));
                  stopped.countDown();
                },
                "local-cluster-shutdown"));
    write(
        layout.stateDir().resolve("ready"),
        "model-repository="
            + cluster.repository().url()
            + "\n"
            + (cluster.prometheus() == null
                ? ""
                : "prometheus=" + cluster.prometheus().url() + "\n"));
    System.out.printf(
        "local cluster up in %.1f s%n", Duration.between(begin, Instant.now()).toMillis() / 1000.0);
    stopped.await();
  }

  private static void demo(LocalCluster.Layout layout) {
    int exit = new Demo(layout, System.out).run();
    System.exit(exit);
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // the state directory is cleaned by "down" as well
    }
  }
}
