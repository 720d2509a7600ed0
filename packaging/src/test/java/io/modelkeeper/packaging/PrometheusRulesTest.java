package io.modelkeeper.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered alert rules pass {@code promtool check rules}, and each alert fires on the series of
 * {@code prometheus/alert-rules-test.yaml} with the labels and annotations that file expects
 * ({@code promtool test rules}), and stays silent on its healthy ones.
 */
class PrometheusRulesTest {

  private static final String UNIT_TESTS = "/prometheus/alert-rules-test.yaml";

  @Test
  void renderedAlertRulesPassPromtool(@TempDir Path dir) throws Exception {
    requirePromtool("the alert-rule check");
    Path rules = renderRules(dir);

    Promtool check = Promtool.run("check", "rules", rules.toString());

    assertThat(check.exit()).as("promtool check rules:%n%s", check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 7 rules found");
  }

  @Test
  void everyAlertFiresOnItsSeriesAndStaysSilentOnHealthyOnes(@TempDir Path dir) throws Exception {
    requirePromtool("the alert-rule unit tests");
    renderRules(dir);
    Path tests = dir.resolve("alert-rules-test.yaml");
    Files.writeString(tests, unitTests());

    Promtool test = Promtool.run("test", "rules", tests.toString());

    assertThat(test.exit()).as("promtool test rules:%n%s", test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void aWrongExpectationFailsTheRun(@TempDir Path dir) throws Exception {
    requirePromtool("the alert-rule unit tests");
    renderRules(dir);
    String rightOne = "p99 over 5 minutes is 995ms.";
    assertThat(unitTests()).contains(rightOne);
    Path tests = dir.resolve("alert-rules-test.yaml");
    Files.writeString(tests, unitTests().replace(rightOne, "p99 over 5 minutes is 990ms."));

    Promtool test = Promtool.run("test", "rules", tests.toString());

    assertThat(test.exit()).as("promtool test rules:%n%s", test.output()).isNotZero();
    assertThat(test.output())
        .contains("FAILED")
        .contains("alertname: ModelKeeperHighLatency")
        .contains("995ms");
  }

  @Test
  void everyAlertHasSeriesOnWhichItFiresAndItsSilentCase() {
    Set<String> alerts = new TreeSet<>();
    alertRules().forEach(rule -> alerts.add(rule.getAlert()));
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (Map<String, Object> test : list(unitTestsAsMap().get("tests"))) {
      for (Map<String, Object> check : list(test.get("alert_rule_test"))) {
        String alert = (String) check.get("alertname");
        (list(check.get("exp_alerts")).isEmpty() ? silent : firing).add(alert);
      }
    }
    assertThat(firing).as("alerts shown firing").isEqualTo(alerts);
    assertThat(silent).as("alerts shown silent").isEqualTo(alerts);
  }

  @Test
  void everyAlertSaysWhatToDo() {
    assertThat(alertRules())
        .allSatisfy(
            r -> {
              assertThat(r.getAlert()).startsWith("ModelKeeper");
              assertThat(r.getAnnotations()).containsKeys("summary", "description");
              assertThat(r.getLabels()).containsKey("severity");
            });
  }

  private static PrometheusRule prometheusRule() {
    return Chart.ofType(
            Chart.objects(Chart.values("prometheusRule.enabled", true)), PrometheusRule.class)
        .get(0);
  }

  private static List<Rule> alertRules() {
    return prometheusRule().getSpec().getGroups().stream()
        .flatMap(group -> group.getRules().stream())
        .filter(rule -> rule.getAlert() != null)
        .toList();
  }

  /** The chart's rule groups, with its default thresholds, as {@code rules.yaml} in {@code dir}. */
  private static Path renderRules(Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, Serialization.asYaml(prometheusRule().getSpec()));
    return rules;
  }

  private static String unitTests() throws IOException {
    try (InputStream in = PrometheusRulesTest.class.getResourceAsStream(UNIT_TESTS)) {
      return new String(
          Objects.requireNonNull(in, UNIT_TESTS).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> unitTestsAsMap() {
    try {
      return Serialization.unmarshal(unitTests(), Map.class);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  private static void requirePromtool(String check) {
    Tools.require(
        Tools.onPath("promtool"), "promtool is not installed (apt-get install prometheus)", check);
  }

  /** One promtool run: its exit code and everything it printed. */
  private record Promtool(int exit, String output) {

    static Promtool run(String... args) throws IOException, InterruptedException {
      List<String> command = new java.util.ArrayList<>(List.of("promtool"));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool ended").isTrue();
      return new Promtool(process.exitValue(), output);
    }
  }
}
