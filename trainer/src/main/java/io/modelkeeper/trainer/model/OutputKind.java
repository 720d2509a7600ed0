package io.modelkeeper.trainer.model;

import io.modelkeeper.server.models.DenseNetwork.Activation;
import io.modelkeeper.server.quality.Task;

/**
 * What the model's output holds and how training scores it: the last layer's activation in the ONNX
 * graph and the loss on its logits.
 *
 * @param width values per row of the output
 * @param activation the graph's last activation: SIGMOID (binary, one value), SOFTMAX, or NONE
 *     (regression, or a classifier that outputs logits)
 */
public record OutputKind(Task task, int width, Activation activation) {

  /** Classes of a classifier: 2 for one sigmoid value, else the width; 0 for regression. */
  public int classes() {
    if (!task.isClassification()) {
      return 0;
    }
    return width == 1 ? 2 : width;
  }

  /** One value per row read through a sigmoid (binary), not a softmax over the width. */
  public boolean singleLogit() {
    return task.isClassification() && width == 1;
  }
}
