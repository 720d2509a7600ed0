package io.modelkeeper.server.explain;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;

/** The least-squares fits of Kernel SHAP and LIME, solved from their normal equations. */
final class NormalEquations {

  private NormalEquations() {}

  /**
   * Solves {@code normal · X = right} (one column of X per explained output column) by QR; a
   * singular system is an {@link IllegalArgumentException} with {@code tooFew} as its message,
   * since it means the samples do not tell the features apart.
   */
  static RealMatrix solve(double[][] normal, double[][] right, String tooFew) {
    try {
      return new QRDecomposition(new Array2DRowRealMatrix(normal, false))
          .getSolver()
          .solve(new Array2DRowRealMatrix(right, false));
    } catch (SingularMatrixException e) {
      throw new IllegalArgumentException(tooFew, e);
    }
  }
}
