package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Dockerfile by reading it: its targets, that it copies what the build
 * really produces, and that the images run as a non-root user. ContainerImagesE2E (e2e module)
 * builds and runs the images with podman.
 */
class DockerfileTest {

  private static final Pattern FROM =
      Pattern.compile("(?im)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
  private static final Pattern COPY_FROM_BUILD =
      Pattern.compile(
          "(?im)^COPY\\s+--from=(build\\S*)(?:\\s+--chown=\\S+)?\\s+/src/(\\S+)\\s+(\\S+)\\s*$");
  private static final List<String> TARGETS =
      List.of("operator", "model-server", "model-server-cuda");

  private final Map<String, String> stages = stages(Repo.read("Dockerfile"));

  @Test
  void hasAnImageTargetForTheOperatorAndBothModelServerVariants() {
    assertThat(stages.keySet()).containsAll(TARGETS).contains("build", "build-gpu");
    assertThat(stages.get("build-gpu")).contains("-Pgpu");
    assertThat(baseImage("model-server-cuda")).contains("cuda").contains("cudnn");
  }

  @Test
  void everyImageRunsAsANonRootUserWithoutAShellEntrypoint() {
    for (String target : TARGETS) {
      String stage = stages.get(target);
      Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(stage);
      assertThat(user.find()).as("%s has a USER", target).isTrue();
      String uid = user.group(1).split(":")[0];
      assertThat(uid).as("%s user", target).isNotIn("0", "root");
      assertThat(stage)
          .as("%s entrypoint in exec form", target)
          .containsPattern(
              "(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/deployments/quarkus-run.jar\"\\]");
      assertThat(stage)
          .as("%s heap follows the container's memory", target)
          .contains("-XX:MaxRAMPercentage=");
      for (String label : List.of("title", "description", "version", "revision")) {
        assertThat(stage)
            .as("%s label %s", target, label)
            .contains("org.opencontainers.image." + label + "=");
      }
    }
  }

  @Test
  void copiesExactlyWhatTheBuildProduces() {
    int copies = 0;
    for (String target : TARGETS) {
      Matcher copy = COPY_FROM_BUILD.matcher(stages.get(target));
      while (copy.find()) {
        copies++;
        String source = copy.group(2);
        assertThat(Files.exists(Repo.path(source)))
            .as(
                "Dockerfile target %s copies %s, which the Maven build did not produce "
                    + "(run ./mvnw -B package first)",
                target, source)
            .isTrue();
        assertThat(copy.group(3)).startsWith("/deployments/");
      }
    }
    assertThat(copies).as("COPY --from=build lines").isEqualTo(12);
    assertThat(Repo.path("model-server/target/quarkus-app/quarkus-run.jar")).exists();
    assertThat(Repo.path("operator/target/quarkus-app/quarkus-run.jar")).exists();
  }

  @Test
  void buildStageCopiesEveryModulePomTheReactorReadsAndHidesNoFailure() {
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
    String build = stages.get("build");
    int modules = 0;
    while (module.find()) {
      modules++;
      assertThat(build)
          .as("Maven stops at 'Child module %s does not exist' without its POM", module.group(1))
          .containsPattern("(?m)^COPY " + Pattern.quote(module.group(1)) + "/pom.xml ");
    }
    assertThat(modules).isGreaterThan(2);
    assertThat(Repo.read("Dockerfile")).doesNotContain("|| true");
    assertThat(Repo.read(".dockerignore"))
        .as("a host's target/ must not reach the build context")
        .containsPattern("(?m)^\\*\\*/target/?$");
  }

  @Test
  void theTrainerImageRunsTheTrainerJarAsANonRootUser() {
    String stage = stages.get("trainer");
    assertThat(stage).as("trainer target").isNotNull();
    assertThat(stage).containsPattern("(?m)^USER 65532:65532$");
    assertThat(stage)
        .containsPattern(
            "(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/deployments/modelkeeper-trainer.jar\"\\]$")
        .containsPattern("(?m)^CMD \\[\"train\"\\]$")
        .containsPattern("(?m)^ENV ORT_DISABLE_TELEMETRY=1$")
        .contains("-XX:MaxRAMPercentage=")
        .contains("org.opencontainers.image.title=\"modelkeeper-trainer\"");
    Matcher copy = COPY_FROM_BUILD.matcher(stage);
    assertThat(copy.find()).isTrue();
    assertThat(copy.group(2)).isEqualTo("trainer/target/modelkeeper-trainer.jar");
    assertThat(Repo.path(copy.group(2)))
        .as("the trainer jar the Dockerfile copies (run ./mvnw -B package first)")
        .exists();
    assertThat(stages.get("build")).contains("-pl model-server,operator,trainer ");
    assertThat(Repo.read("packaging/images/build-images.sh"))
        .contains("for target in operator model-server trainer; do");
    assertThat(Repo.read(".dockerignore"))
        .as("the build context must hold the trainer's POM and sources")
        .containsPattern("(?m)^!trainer/$");
  }

  @Test
  void modelServerImagesLeaveNativeMemoryToOnnxRuntime() {
    for (String target : List.of("model-server", "model-server-cuda")) {
      Matcher percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(stages.get(target));
      assertThat(percent.find()).as("%s sets MaxRAMPercentage", target).isTrue();
      assertThat(Integer.parseInt(percent.group(1))).as("%s heap share", target).isBetween(50, 60);
      assertThat(stages.get(target))
          .as("%s: ONNX Runtime 1.29 telemetry crashes without a shell", target)
          .containsPattern("(?m)^ENV ORT_DISABLE_TELEMETRY=1$");
    }
  }

  @Test
  void everyBaseImageIsPinnedByDigestOrSaidNotToBe() {
    String security = Repo.read("docs/security.md");
    String images = security.substring(security.indexOf("## Images"));
    Matcher arg =
        Pattern.compile("(?m)^ARG ((?:JDK|JRE|RUNTIME|CUDA)_IMAGE)=(\\S+)$")
            .matcher(Repo.read("Dockerfile"));
    int bases = 0;
    while (arg.find()) {
      bases++;
      String image = arg.group(2);
      if (!image.matches(".+@sha256:[0-9a-f]{64}")) {
        assertThat(images)
            .as(
                "%s default %s is not pinned by digest, so docs/security.md says so",
                arg.group(1), image)
            .contains("`" + arg.group(1) + "=" + image + "`");
      }
    }
    assertThat(bases).isEqualTo(4);
  }

  private String baseImage(String target) {
    Matcher from = FROM.matcher(stages.get(target));
    assertThat(from.find()).isTrue();
    String image = from.group(1);
    Matcher arg = Pattern.compile("\\$\\{(\\w+)}").matcher(image);
    if (arg.matches()) {
      Matcher declared =
          Pattern.compile("(?m)^ARG " + arg.group(1) + "=(\\S+)").matcher(Repo.read("Dockerfile"));
      assertThat(declared.find()).as("ARG %s has a default", arg.group(1)).isTrue();
      return declared.group(1);
    }
    return image;
  }

  /** Splits the Dockerfile into its stages, keyed by stage name, each with its FROM line. */
  private static Map<String, String> stages(String dockerfile) {
    Map<String, String> stages = new LinkedHashMap<>();
    Matcher from = FROM.matcher(dockerfile);
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (from.find()) {
      starts.add(from.start());
      names.add(from.group(2) == null ? "stage" + names.size() : from.group(2));
    }
    for (int i = 0; i < starts.size(); i++) {
      int end = i + 1 < starts.size() ? starts.get(i + 1) : dockerfile.length();
      stages.put(names.get(i), dockerfile.substring(starts.get(i), end));
    }
    return stages;
  }
}
