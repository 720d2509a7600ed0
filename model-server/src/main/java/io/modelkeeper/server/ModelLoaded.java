package io.modelkeeper.server;

/**
 * Fired synchronously once the model is loaded and warm, before the server reports ready: what must
 * serve from a ready pod's first request on (quality monitoring, dataset capture) starts in its
 * observers. An observer that fails must say so itself; the model serves anyway.
 *
 * @param name the model's name
 * @param version the model's version
 */
public record ModelLoaded(String name, String version) {}
