package io.modelkeeper.e2e.demo;

import io.modelkeeper.e2e.cluster.LocalCluster;
import java.io.PrintStream;

/** The one-command demo (placeholder until written). */
public final class Demo {
  private final LocalCluster.Layout layout;
  private final PrintStream out;

  public Demo(LocalCluster.Layout layout, PrintStream out) {
    this.layout = layout;
    this.out = out;
  }

  public int run() {
    return 1;
  }
}
