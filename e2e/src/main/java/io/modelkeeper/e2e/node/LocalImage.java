package io.modelkeeper.e2e.node;

import java.nio.file.Files;

/**
 * What the local node runs for a container image, or why it cannot "pull" it. No image is pulled:
 * an image stands for a program of this machine.
 *
 * <ul>
 *   <li>a repository ending in {@code model-server}: the model-server jar, as that image's
 *       entrypoint {@code java $JAVA_OPTS -jar /deployments/quarkus-run.jar <args>} would;
 *   <li>a repository ending in {@code modelkeeper-trainer}: the reference trainer's jar, {@code
 *       java $JAVA_OPTS -jar modelkeeper-trainer.jar <args>};
 *   <li>{@value #EXEC_IMAGE} (any tag): the container's {@code command} and {@code args} run on
 *       this machine as they are, the local stand-in for any other image;
 *   <li>anything else: {@code ErrImagePull}.
 * </ul>
 *
 * @param program what runs, null when the image cannot be run
 * @param pullError why the image cannot be run, null when it can
 */
record LocalImage(Program program, String pullError) {

  /** The image whose containers run their command on this machine. */
  static final String EXEC_IMAGE = "localhost/modelkeeper-local/exec";

  enum Program {
    MODEL_SERVER,
    TRAINER,
    COMMAND
  }

  static LocalImage of(String image, NodeConfig config) {
    String repository = ContainerProcess.repository(image);
    if (repository.endsWith("model-server")) {
      return new LocalImage(Program.MODEL_SERVER, null);
    }
    if (repository.endsWith("/trainer") || repository.endsWith("modelkeeper-trainer")) {
      if (config != null && !Files.isRegularFile(config.trainerJar())) {
        return new LocalImage(
            null,
            "the local node runs "
                + image
                + " from "
                + config.trainerJar()
                + ", which does not exist: build it with ./mvnw -B -pl trainer -am package");
      }
      return new LocalImage(Program.TRAINER, null);
    }
    if (repository.equals(EXEC_IMAGE)) {
      return new LocalImage(Program.COMMAND, null);
    }
    return new LocalImage(
        null,
        "the local node runs only images whose repository ends in model-server or"
            + " modelkeeper-trainer, and "
            + EXEC_IMAGE
            + " (the container's command run on this machine); it cannot pull "
            + image);
  }

  boolean runnable() {
    return pullError == null;
  }
}
