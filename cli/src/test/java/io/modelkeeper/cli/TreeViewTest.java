package io.modelkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TreeViewTest {

  private final TreeView plain = new TreeView(new Style(false), "2026-12-03");

  @Test
  void showsVersionsStepWeightAndEachGateWithItsFiguresAndVerdict() {
    String text = plain.render(Fixtures.fraud());
    System.out.println(text);

    assertThat(text)
        .contains("Status:         ◌ Progressing")
        .contains("Decision:       failed check 1/2: error rate")
        .contains("Stable:         version 2 (revision 8cd787bd), 2/2 pods ready")
        .contains("Canary:         version 3 (revision 1f2e3d4c), 1/1 pods ready")
        .contains("  Step:         2/3")
        .contains("  SetWeight:    50")
        .contains("  ActualWeight: 33  (1 canary pod(s) beside 2 stable pod(s)")
        .contains("Analysis:       Wait at 08:12:30Z, failed checks 1 of 2")
        .doesNotContain("\u001b[");
    assertThat(line(text, "error rate vs stable"))
        .contains("0.50% (5/1000)")
        .contains("9.00% (27/300)")
        .contains("at 95.00% confidence")
        .contains("✖ fail");
    assertThat(line(text, "  error rate  ")).contains("≤ 5.00%").contains("✔ pass");
    assertThat(line(text, "p99 latency")).contains("12.3ms").contains("13.1ms").contains("≤ 200ms");
    assertThat(line(text, "accuracy vs stable"))
        .contains("91.20% (500 labelled)")
        .contains("90.50% (150 labelled)")
        .contains("drop ≤ 2.00%")
        .contains("✔ pass");
    assertThat(line(text, "canary pods")).contains("1/1 ready");
  }

  @Test
  void showsQualityDriftAndTheLatestRunOfThisModelOnly() {
    String text = plain.render(Fixtures.fraud());

    assertThat(line(text, "Quality:"))
        .contains("accuracy 0.912")
        .contains("f1 0.871")
        .contains("500 labelled")
        .contains("drift 0.031")
        .contains("p99 12.3ms");
    assertThat(line(text, "Importance:")).contains("amount 0.412  hour 0.2");
    assertThat(line(text, "Retraining:"))
        .contains("fraud-r2")
        .contains("✔ Promoted")
        .contains("trigger Manual")
        .contains("version 2-r2");
    assertThat(line(text, "Blessing:"))
        .contains("accuracy 0.934 vs serving 0.912 (+0.022) ✔ blessed");
    assertThat(text).doesNotContain("churn");
  }

  @Test
  void listsTheMostDriftedFeaturesOfEachArmUnderTheDriftFigure_markingThoseAboveMaxDrift() {
    ModelSnapshot snapshot = Fixtures.fraud();

    String text = plain.render(snapshot);

    assertThat(text).containsSubsequence("Quality:", "drift 0.031", "  Drift:", "  Canary drift:");
    assertThat(line(text, "  Drift:"))
        .contains("amount 0.031  hour 0.012")
        .as("nothing above maxDrift, nothing marked")
        .doesNotContain(Style.WARNING);
    assertThat(line(text, "  Canary drift:"))
        .contains("amount 0.310 " + Style.WARNING + "  hour 0.050")
        .contains("(" + Style.WARNING + " above maxDrift 0.2)");

    ObjectNode model = (ObjectNode) snapshot.model();
    ((ObjectNode) model.path("status")).remove("canary");
    ((ObjectNode) model.path("spec")).remove("monitoring");
    String serving = plain.render(snapshot);
    assertThat(line(serving, "  Drift:")).endsWith("amount 0.031  hour 0.012");
    assertThat(serving).doesNotContain("Canary drift");
  }

  @Test
  void drawsTheTreeOfVersionsWithTheirPods() {
    String text = plain.render(Fixtures.fraud());

    assertThat(line(text, "⟳ fraud")).contains("ModelDeployment").contains("◌ Progressing");
    assertThat(line(text, "├──# revision 8cd787bd (version 2)"))
        .contains("stable")
        .contains("✔ 2/2 ready");
    assertThat(line(text, "│  ├──□ fraud-2-8cd787bd-7d9f-abcde"))
        .contains("✔ Running")
        .contains("ready:1/1");
    assertThat(line(text, "│  └──□ fraud-2-8cd787bd-7d9f-fghij")).contains("restarts:2");
    assertThat(line(text, "└──# revision 1f2e3d4c (version 3)"))
        .contains("canary")
        .contains("step 2/3, weight 33%");
    assertThat(line(text, "   └──□ fraud-3-1f2e3d4c-5b6c-klmno"))
        .contains("✖ CrashLoopBackOff")
        .contains("ready:0/1, restarts:3");
    assertThat(text).doesNotContain("other-1-x");
  }

  @Test
  void aCanaryWithoutTrafficOrReadyPodsHasNoFiguresYetRatherThanAPass() {
    ModelSnapshot snapshot = Fixtures.fraud();
    ObjectNode canary = (ObjectNode) snapshot.model().path("status").path("canary");
    canary.put("readyReplicas", 0);
    ObjectNode analysis = (ObjectNode) canary.path("analysis");
    analysis.put(
        "reason", "step 1 of 3 (20%) extended for lack of evidence: canary pods are not ready yet");
    analysis.put("failedChecks", 0);
    analysis.putObject("canary").put("requests", 0).put("errors", 0);

    String text = plain.render(snapshot);

    assertThat(line(text, "error rate vs stable"))
        .contains("· no figures yet")
        .doesNotContain("(0/0)");
    assertThat(line(text, "  canary pods  ")).contains("0/1 ready").contains("◌ waiting");
    assertThat(line(text, "Importance:")).contains("amount 0.412");
  }

  @Test
  void aPausedCanaryShowsThePauseSymbol() {
    ModelSnapshot snapshot = Fixtures.fraud();
    ((ObjectNode) snapshot.model().path("status").path("canary")).put("paused", true);

    String text = plain.render(snapshot);

    assertThat(text).contains("Status:         ॥ Paused").contains("2/3  ॥ paused");
  }

  @Test
  void paintsOnlyWhenAskedTo() {
    String text = new TreeView(new Style(true), "2026-12-03").render(Fixtures.fraud());

    assertThat(text).contains("\u001b[31m✖ fail\u001b[0m").contains("\u001b[32m✔ Running\u001b[0m");
    assertThat(Style.detect(true, "1", false).colour()).as("NO_COLOR").isFalse();
    assertThat(Style.detect(false, null, false).colour()).as("not a terminal").isFalse();
    assertThat(Style.detect(true, null, true).colour()).as("--no-color").isFalse();
    assertThat(Style.detect(true, "", false).colour()).isTrue();
  }

  static String line(String text, String containing) {
    return text.lines()
        .filter(l -> l.contains(containing))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in\n" + text));
  }
}
