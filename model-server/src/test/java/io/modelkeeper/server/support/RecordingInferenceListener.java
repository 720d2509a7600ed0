package io.modelkeeper.server.support;

import io.modelkeeper.server.InferenceEvent;
import io.modelkeeper.server.InferenceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps the inference events of the Quarkus tests by id. */
@ApplicationScoped
public class RecordingInferenceListener implements InferenceListener {

  private final Map<String, InferenceEvent> events = new ConcurrentHashMap<>();

  @Override
  public void inferred(InferenceEvent event) {
    events.put(event.id(), event);
  }

  public InferenceEvent event(String id) {
    return events.get(id);
  }
}
