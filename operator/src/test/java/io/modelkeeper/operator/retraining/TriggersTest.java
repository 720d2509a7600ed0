package io.modelkeeper.operator.retraining;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.modelkeeper.api.v1alpha1.RunTrigger;
import io.modelkeeper.api.v1alpha1.TriggersSpec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggersTest {

  private static final Instant NOW = Instant.parse("2026-06-07T03:00:30Z"); // a Sunday

  @Test
  void aScheduleFiresOnceForEachTickAfterTheLastOneActedOn() {
    TriggersSpec spec = new TriggersSpec();
    CronSchedule sundays = CronSchedule.parse("0 3 * * 0", "UTC");

    var fired =
        Triggers.decide(observed(spec, sundays, Instant.parse("2026-06-01T00:00:00Z")), NOW);
    assertThat(fired.trigger())
        .get()
        .extracting(Triggers.Trigger::kind)
        .isEqualTo(RunTrigger.Schedule);
    assertThat(fired.scheduleTick()).isEqualTo(Instant.parse("2026-06-07T03:00:00Z"));
    assertThat(fired.nextSchedule()).isEqualTo(Instant.parse("2026-06-14T03:00:00Z"));

    var again = Triggers.decide(observed(spec, sundays, fired.scheduleTick()), NOW.plusSeconds(60));
    assertThat(again.trigger()).as("the tick was acted on").isEmpty();
    assertThat(again.scheduleTick()).isNull();
  }

  @Test
  void aScheduleDoesNotFireForTimesBeforeTheRetrainingExisted() {
    var decision =
        Triggers.decide(
            observed(new TriggersSpec(), CronSchedule.parse("0 3 * * 0", "UTC"), NOW), NOW);
    assertThat(decision.trigger()).isEmpty();
  }

  @Test
  void theScheduleReadsItsTimeZone() {
    CronSchedule paris = CronSchedule.parse("0 3 * * *", "Europe/Paris");
    assertThat(paris.nextAfter(Instant.parse("2026-06-07T00:00:00Z")))
        .contains(Instant.parse("2026-06-07T01:00:00Z"));
  }

  @Test
  void degradedTriggersOnlyForTheChosenReasons() {
    TriggersSpec spec = new TriggersSpec();
    spec.setOnDegraded(List.of("AccuracyBelowSlo"));
    assertThat(Triggers.decide(degraded(spec, "True", "AccuracyBelowSlo"), NOW).trigger())
        .get()
        .satisfies(
            t -> {
              assertThat(t.kind()).isEqualTo(RunTrigger.Degraded);
              assertThat(t.reason()).contains("AccuracyBelowSlo").contains("accuracy 0.7");
            });
    assertThat(Triggers.decide(degraded(spec, "True", "LatencyAboveSlo"), NOW).trigger()).isEmpty();
    assertThat(Triggers.decide(degraded(spec, "False", "SloPending"), NOW).trigger()).isEmpty();
    assertThat(
            Triggers.decide(degraded(new TriggersSpec(), "True", "AccuracyBelowSlo"), NOW)
                .trigger())
        .as("no onDegraded reasons: never")
        .isEmpty();
  }

  @Test
  void newRowsCountFromTheLastRunAndACounterThatFellIsAllNew() {
    TriggersSpec spec = new TriggersSpec();
    spec.setNewLabelledRows(1000L);
    assertThat(Triggers.decide(rows(spec, 1999L, 1000L), NOW).trigger()).isEmpty();
    assertThat(Triggers.decide(rows(spec, 2000L, 1000L), NOW).trigger())
        .get()
        .satisfies(t -> assertThat(t.reason()).startsWith("1000 new labelled rows"));
    assertThat(Triggers.decide(rows(spec, 1200L, 5000L), NOW).trigger())
        .as("pods restarted: their counters began again")
        .get()
        .extracting(Triggers.Trigger::kind)
        .isEqualTo(RunTrigger.NewRows);
    assertThat(Triggers.decide(rows(spec, null, 0L), NOW).trigger()).as("unknown count").isEmpty();
    assertThat(Triggers.rowsSince(300, null)).isEqualTo(300);
  }

  private static Triggers.Observed observed(
      TriggersSpec spec, CronSchedule schedule, Instant from) {
    return new Triggers.Observed(spec, schedule, from, null, null, null);
  }

  private static Triggers.Observed degraded(TriggersSpec spec, String status, String reason) {
    Condition condition =
        new ConditionBuilder()
            .withType("Degraded")
            .withStatus(status)
            .withReason(reason)
            .withMessage("accuracy 0.7 is below spec.monitoring.slo.minAccuracy 0.8")
            .build();
    return new Triggers.Observed(spec, null, null, condition, null, null);
  }

  private static Triggers.Observed rows(TriggersSpec spec, Long now, Long atLastRun) {
    return new Triggers.Observed(spec, null, null, null, now, atLastRun);
  }
}
