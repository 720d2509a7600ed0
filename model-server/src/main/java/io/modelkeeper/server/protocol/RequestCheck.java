package io.modelkeeper.server.protocol;

import io.modelkeeper.server.ModelState;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.batching.OverloadedException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Turns a received body into a request checked against the model, the request limits and the
 * in-flight byte budget, or refuses it; runs on the event loop for small bodies and on a worker
 * thread for large ones.
 */
final class RequestCheck {

  /** What a received body became once read and checked: ready to be submitted. */
  record Checked(
      InferRequest request,
      InputValidator.ValidatedInputs inputs,
      List<InferRequest.RequestedOutput> outputs) {}

  /** A request refused while being read or checked, carried out of a worker thread. */
  static final class Refused extends Exception {
    private final transient Exception reason;

    Refused(Exception reason) {
      super(reason.getMessage(), null, false, false);
      this.reason = reason;
    }

    /** A {@link BadRequestException} (4xx) or an {@link OverloadedException} (503). */
    Exception reason() {
      return reason;
    }
  }

  private final ServedModel model;
  private final RequestLimits limits;
  private final Admission admission;

  RequestCheck(ServedModel model, RequestLimits limits, Admission admission) {
    this.model = model;
    this.limits = limits;
    this.admission = admission;
  }

  Checked check(RoutingContext context, byte[] bytes, int length, Admission.Held held)
      throws Refused {
    try {
      // Only the routes with path parameters can name another model; the exact ones name this one.
      String mismatch =
          context.pathParam("model") == null ? null : ModelAddress.mismatch(context, model);
      if (mismatch != null) {
        throw new BadRequestException(404, mismatch);
      }
      ModelState state = model.state();
      if (!state.isReady()) {
        throw new BadRequestException(
            503, "model " + model.name() + " is not ready: " + state.reason());
      }
      InferRequest request = parse(context, bytes, length);
      InputValidator.ValidatedInputs inputs =
          InputValidator.validate(
              request,
              model.signature(),
              model.name(),
              limits,
              n -> {
                Admission.Claim claim = admission.claim(held, n);
                if (claim == Admission.Claim.BUSY) {
                  throw new OverloadedException(admission.refusal(claim));
                } else if (claim == Admission.Claim.TOO_LARGE) {
                  throw new BadRequestException(413, admission.refusal(claim));
                }
              });
      return new Checked(request, inputs, ResponseWriter.selectOutputs(request, model.signature()));
    } catch (BadRequestException | OverloadedException e) {
      throw new Refused(e);
    }
  }

  private static InferRequest parse(RoutingContext context, byte[] bytes, int length)
      throws BadRequestException {
    String headerLength = context.request().getHeader(RequestReader.HEADER_LENGTH);
    if (headerLength != null) {
      return RequestReader.readBinary(bytes, length, headerLength);
    }
    String contentType = context.request().getHeader("Content-Type");
    if (contentType != null && !contentType.toLowerCase().startsWith(Replies.JSON)) {
      throw new BadRequestException(
          415,
          "unsupported Content-Type '"
              + contentType
              + "': send application/json, or binary data with an "
              + RequestReader.HEADER_LENGTH
              + " header");
    }
    return RequestReader.readJson(bytes, length);
  }
}
