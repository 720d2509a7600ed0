package io.modelkeeper.server.quality;

import java.util.Locale;

/** The result of one feedback item, with the HTTP status it is answered with. */
public enum FeedbackStatus {
  OK(200),
  /** The item is not an object with a string {@code id} and a {@code label}. */
  INVALID(400),
  /** The label's JSON type does not fit the task (e.g. a string for regression). */
  WRONG_TYPE(400),
  /** The label has the right type but no meaning here (class 7 of 3, an unknown name). */
  OUT_OF_RANGE(422),
  /** No prediction with this id was ever remembered (or it was forgotten long ago). */
  UNKNOWN_ID(404),
  /** The prediction was remembered but aged or was pushed out before its label came. */
  EXPIRED(410),
  /** The prediction already has its label. */
  DUPLICATE_LABEL(409),
  /** The id names a pod that is not (or no longer) one of the model's pods: nothing was sent. */
  UNKNOWN_POD(404),
  /** Forwarded feedback for a prediction of yet another pod: a forward is never forwarded again. */
  MISDIRECTED(421),
  /**
   * The pod that made the prediction did not answer the forwarded feedback in time, or in sense.
   */
  POD_UNREACHABLE(502);

  private final int httpStatus;

  FeedbackStatus(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The name used in JSON and metric labels, e.g. {@code unknown_id}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
