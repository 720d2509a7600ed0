package io.modelkeeper.server;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Supplies a listener that ignores inferences until a module that cares provides its own. */
@ApplicationScoped
public class NoInferenceListener {

  @Produces
  @DefaultBean
  @ApplicationScoped
  InferenceListener ignoreInferences() {
    return event -> {};
  }
}
