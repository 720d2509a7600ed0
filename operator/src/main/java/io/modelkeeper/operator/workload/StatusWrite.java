package io.modelkeeper.operator.workload;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;

/**
 * Writes a reconciled object's status from inside the reconcile, as the framework would after it (a
 * JSON patch of the status subresource whose answer the next reconcile reads), and looks at the
 * answer: when its generation is newer than the one reconciled, the spec was edited while the
 * status was on its way, and the object is reconciled again at once.
 *
 * <p>The framework cannot be left to notice: while its own status write is in flight it holds back
 * the watch events of the object, and drops those older than its write's answer. A spec edit that
 * the API server applies just before the status patch arrives there, with its watch event arriving
 * during the write, would otherwise wait for the next periodic reconcile.
 */
public final class StatusWrite {

  /** How soon an object whose spec moved during its status write is looked at again. */
  static final Duration AT_ONCE = Duration.ofMillis(1);

  private StatusWrite() {}

  /**
   * Writes {@code status} onto {@code resource}'s status subresource and answers the control that
   * ends the reconcile: {@code later} unless the spec moved meanwhile.
   */
  public static <S, R extends CustomResource<?, S>> UpdateControl<R> write(
      Context<R> context, R resource, S status, Duration later) {
    R base = Serialization.clone(resource);
    base.getMetadata().setResourceVersion(null);
    Long reconciled = resource.getMetadata().getGeneration();
    R written =
        context
            .resourceOperations()
            .jsonPatchPrimaryStatus(
                base,
                r -> {
                  r.setStatus(status);
                  return r;
                });
    resource.setStatus(status);
    return UpdateControl.<R>noUpdate()
        .rescheduleAfter(specMoved(reconciled, written) ? AT_ONCE : later);
  }

  static boolean specMoved(Long reconciled, CustomResource<?, ?> written) {
    Long now = written == null ? null : written.getMetadata().getGeneration();
    return reconciled != null && now != null && now > reconciled;
  }
}
