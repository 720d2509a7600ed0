package io.modelkeeper.server;

/**
 * Told about every successful inference just before its response is sent, so that model-quality
 * monitoring can join feedback by id however soon it follows the answer. Every CDI bean of this
 * type is called, on the thread that answered; implementations must be quick and must not throw.
 */
public interface InferenceListener {

  void inferred(InferenceEvent event);
}
