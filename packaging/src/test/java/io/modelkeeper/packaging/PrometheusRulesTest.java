package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered alert rules pass {@code promtool check rules}. */
class PrometheusRulesTest {

  @Test
  void renderedAlertRulesPassPromtool(@TempDir Path dir) throws Exception {
    Tools.require(
        Tools.onPath("promtool"),
        "promtool is not installed (apt-get install prometheus)",
        "the alert-rule check");
    PrometheusRule rule =
        Chart.ofType(
                Chart.objects(Chart.values("prometheusRule.enabled", true)), PrometheusRule.class)
            .get(0);
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, Serialization.asYaml(rule.getSpec()));

    Process promtool =
        new ProcessBuilder("promtool", "check", "rules", rules.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(promtool.exitValue()).as("promtool check rules:%n%s", output).isZero();
    assertThat(output).contains("SUCCESS: 7 rules found");
  }

  @Test
  void everyAlertSaysWhatToDo() {
    PrometheusRule rule =
        Chart.ofType(
                Chart.objects(Chart.values("prometheusRule.enabled", true)), PrometheusRule.class)
            .get(0);
    assertThat(rule.getSpec().getGroups())
        .flatExtracting(g -> g.getRules())
        .allSatisfy(
            r -> {
              assertThat(r.getAlert()).startsWith("ModelKeeper");
              assertThat(r.getAnnotations()).containsKeys("summary", "description");
              assertThat(r.getLabels()).containsKey("severity");
            });
  }
}
