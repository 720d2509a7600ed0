package io.modelkeeper.e2e.node;

import java.nio.file.Path;
import java.util.List;

/**
 * What the local node needs to run pods: the model-server jar that stands in for the model-server
 * image, where pod files and logs go, and the JVM options of pod processes.
 *
 * @param modelServerJar {@code model-server/target/quarkus-app/quarkus-run.jar}
 * @param stateDir pod directories (volumes, logs) and pid files live under it
 * @param serverJvmOptions options for a serving container's JVM, before its own JAVA_OPTS
 * @param fetchJvmOptions options for an init container's JVM
 */
public record NodeConfig(
    Path modelServerJar,
    Path stateDir,
    List<String> serverJvmOptions,
    List<String> fetchJvmOptions) {

  /** Small heaps and the C1 compiler only: many JVMs share two cores here. */
  public static NodeConfig defaults(Path modelServerJar, Path stateDir) {
    return new NodeConfig(
        modelServerJar,
        stateDir,
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-Xss512k"),
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"));
  }

  Path podDir(String namespace, String pod) {
    return stateDir.resolve("pods").resolve(namespace + "_" + pod);
  }

  /** The hosts file pod JVMs resolve names with: headless Services and their pods. */
  Path hostsFile() {
    return stateDir.resolve("hosts");
  }

  Path pidDir() {
    return stateDir.resolve("pids");
  }
}
