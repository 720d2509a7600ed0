package io.modelkeeper.cli;

import static io.modelkeeper.cli.TreeViewTest.line;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryViewTest {

  @Test
  void listsRolloutsNewestFirstWithOutcomeAndReasonThenRunsWithTheirBlessing() {
    String text = new HistoryView(new Style(false)).render(Fixtures.fraud());
    System.out.println(text);
    List<String> lines = text.lines().toList();

    assertThat(lines.get(0)).startsWith("VERSION").contains("RESULT").contains("REASON");
    assertThat(lines.get(1))
        .startsWith("2b")
        .contains("✖ RolledBack")
        .contains("aborted by annotation modelkeeper.io/abort: latency looks wrong");
    assertThat(lines.get(2)).startsWith("2 ").contains("✔ Promoted");
    assertThat(lines.get(3)).startsWith("1 ");
    assertThat(line(text, "fraud-r2"))
        .contains("✔ Promoted")
        .contains("2-r2")
        .contains("accuracy 0.934 vs serving 0.912 (+0.022) ✔ blessed");
    assertThat(line(text, "fraud-r1"))
        .contains("✖ NotBlessed")
        .contains("(-0.030) ✖ not blessed: below the serving model");
    assertThat(text.indexOf("fraud-r2")).isLessThan(text.indexOf("fraud-r1"));
    assertThat(text).doesNotContain("churn-r9");
  }

  @Test
  void jsonHoldsHistoryAndRuns() {
    var json = HistoryView.json(Fixtures.fraud());

    assertThat(json.path("history")).hasSize(3);
    assertThat(json.path("runs").get(0).path("metadata").path("name").asText())
        .isEqualTo("fraud-r2");
  }
}
