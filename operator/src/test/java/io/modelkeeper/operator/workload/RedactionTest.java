package io.modelkeeper.operator.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void credentialsInAUriAreNeverPrinted() {
    assertThat(Redaction.uri("https://alice:s3cret@models.example.com/fraud/7/model.onnx"))
        .isEqualTo("https://***@models.example.com/fraud/7/model.onnx");
    assertThat(
            Redaction.uri(
                "https://bucket.s3.amazonaws.com/m.onnx?X-Amz-Signature=abc&X-Amz-Credential=AKIA"))
        .isEqualTo("https://bucket.s3.amazonaws.com/m.onnx?***");
    assertThat(Redaction.uri("pvc://models/fraud/7/model.onnx"))
        .isEqualTo("pvc://models/fraud/7/model.onnx");
  }

  @Test
  void everyUriInAMessageIsRedacted() {
    String message =
        "GET https://u:p@host/m.onnx?token=t0k3n failed; retried http://host/m.onnx#frag too";
    assertThat(Redaction.text(message))
        .isEqualTo("GET https://***@host/m.onnx?*** failed; retried http://host/m.onnx?*** too")
        .doesNotContain("t0k3n")
        .doesNotContain("u:p");
  }
}
