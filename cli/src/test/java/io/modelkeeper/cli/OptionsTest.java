package io.modelkeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void readsGetWithKubectlsFlags() {
    Options o =
        Options.parse(
            List.of("get", "md", "fraud", "-n", "ml", "--context=prod", "--watch", "-o", "json"));

    assertThat(o.command()).isEqualTo("get");
    assertThat(o.name()).isEqualTo("fraud");
    assertThat(o.namespace()).isEqualTo("ml");
    assertThat(o.context()).isEqualTo("prod");
    assertThat(o.watch()).isTrue();
    assertThat(o.json()).isTrue();
    assertThat(Options.parse(List.of("get", "md/fraud")).name()).isEqualTo("fraud");
    assertThat(Options.parse(List.of("get", "modeldeployment", "fraud")).name()).isEqualTo("fraud");
  }

  @Test
  void readsActionsWithTheirFlags() {
    Options abort = Options.parse(List.of("abort", "fraud", "--reason", "latency looks wrong"));
    assertThat(abort.reason()).isEqualTo("latency looks wrong");
    assertThat(Options.parse(List.of("pause", "md/fraud", "--force")).force()).isTrue();
    assertThat(Options.parse(List.of("get", "md", "x", "--interval", "500ms")).interval())
        .isEqualTo(Duration.ofMillis(500));
    assertThat(Options.parse(List.of()).command()).isEqualTo("help");
    assertThat(Options.parse(List.of("promote", "fraud", "--help")).command()).isEqualTo("help");
  }

  @Test
  void refusesWhatItCannotDoWithAMessageThatSaysWhy() {
    assertThatThrownBy(() -> Options.parse(List.of("get", "pods", "x")))
        .hasMessageContaining("get md NAME");
    assertThatThrownBy(() -> Options.parse(List.of("promote")))
        .hasMessageContaining("one ModelDeployment");
    assertThatThrownBy(() -> Options.parse(List.of("explode", "x")))
        .hasMessageContaining("unknown command explode");
    assertThatThrownBy(() -> Options.parse(List.of("get", "md", "x", "-o", "yaml")))
        .hasMessageContaining("-o takes json");
    assertThatThrownBy(() -> Options.parse(List.of("promote", "Bad_Name")))
        .hasMessageContaining("not a Kubernetes object name");
    assertThatThrownBy(() -> Options.parse(List.of("get", "md", "x", "--interval", "10ms")))
        .hasMessageContaining("at least 200ms");
    assertThatThrownBy(() -> Options.parse(List.of("get", "md", "x", "-n")))
        .hasMessageContaining("-n needs a value");
  }
}
