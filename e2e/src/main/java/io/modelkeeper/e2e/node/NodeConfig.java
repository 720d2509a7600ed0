package io.modelkeeper.e2e.node;

import java.nio.file.Path;
import java.util.List;

/**
 * What the local node needs to run pods: the jars that stand in for the model-server and trainer
 * images, where pod files, claims and logs go, and the JVM options of pod processes.
 *
 * @param modelServerJar {@code model-server/target/quarkus-app/quarkus-run.jar}
 * @param trainerJar {@code trainer/target/modelkeeper-trainer.jar}; pods of the trainer image fail
 *     with {@code ErrImagePull} while it is missing
 * @param stateDir pod directories (volumes, logs), claim directories and pid files live under it
 * @param serverJvmOptions options for a serving or trainer container's JVM, before its JAVA_OPTS
 * @param fetchJvmOptions options for an init container's JVM
 */
public record NodeConfig(
    Path modelServerJar,
    Path trainerJar,
    Path stateDir,
    List<String> serverJvmOptions,
    List<String> fetchJvmOptions) {

  /** Small heaps and the C1 compiler only: many JVMs share two cores here. */
  public static NodeConfig defaults(Path modelServerJar, Path trainerJar, Path stateDir) {
    return new NodeConfig(
        modelServerJar,
        trainerJar,
        stateDir,
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m", "-Xss512k"),
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"));
  }

  Path podDir(String namespace, String pod) {
    return stateDir.resolve("pods").resolve(namespace + "_" + pod);
  }

  /** The directory that is a PersistentVolumeClaim's volume, shared by every pod mounting it. */
  Path claimDir(String namespace, String claim) {
    return stateDir.resolve("claims").resolve(namespace + "_" + claim);
  }

  Path claimsDir() {
    return stateDir.resolve("claims");
  }

  /** The hosts file pod JVMs resolve names with: headless Services and their pods. */
  Path hostsFile() {
    return stateDir.resolve("hosts");
  }

  Path pidDir() {
    return stateDir.resolve("pids");
  }
}
