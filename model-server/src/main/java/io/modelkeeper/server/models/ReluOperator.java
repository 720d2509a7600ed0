package io.modelkeeper.server.models;

import java.util.Map;
import java.util.Set;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

/** The ONNX Relu operator, which Tribuo's operator set does not include. */
public enum ReluOperator implements ONNXOperator {
  RELU;

  @Override
  public String getOpName() {
    return "Relu";
  }

  @Override
  public int getNumInputs() {
    return 1;
  }

  @Override
  public int getNumOptionalInputs() {
    return 0;
  }

  @Override
  public int getNumOutputs() {
    return 1;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return Map.of();
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return Set.of();
  }

  @Override
  public int getOpVersion() {
    return ONNXOperators.getOpsetVersion();
  }

  @Override
  public String getOpDomain() {
    // Same default domain as Tribuo's own operators, so one opset import covers both.
    return ONNXOperators.GEMM.getOpDomain();
  }
}
