package io.modelkeeper.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class KnownFieldsTest {

  @Test
  void anUnknownFieldIsKeptByNameInsteadOfFailingTheObject() throws Exception {
    ObjectMapper strict =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    ModelDeployment md =
        strict.readValue(
            """
            {"apiVersion": "modelkeeper.io/v1alpha1", "kind": "ModelDeployment",
             "metadata": {"name": "fraud"},
             "spec": {"model": {"version": "7", "uri": "https://m/7.onnx"},
                      "serving": {"replcas": 3, "replicas": 2}}}
            """,
            ModelDeployment.class);
    assertThat(md.getSpec().getServing().getReplicas()).isEqualTo(2);
    assertThat(md.getSpec().getServing().unknownFields()).containsOnlyKeys("replcas");
    ModelDeployment copy = strict.readValue(strict.writeValueAsString(md), ModelDeployment.class);
    assertThat(copy.getSpec().getServing().unknownFields())
        .as("a copy through JSON keeps them, so the operator can name them")
        .containsOnlyKeys("replcas");
  }
}
