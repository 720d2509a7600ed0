package io.modelkeeper.server;

/**
 * Told about every successful inference after its response is sent, so that model-quality
 * monitoring can join later feedback by id. Every CDI bean of this type is called, on the thread
 * that answered; implementations must be quick and must not throw.
 */
public interface InferenceListener {

  void inferred(InferenceEvent event);
}
