package io.modelkeeper.server.access;

import io.vertx.ext.web.Router;

/**
 * The router the privileged endpoints (feedback, quality, reference, metrics) register on: the
 * admin port's when MODELKEEPER_ADMIN_PORT is set, else the main one. Observe it instead of {@link
 * Router} to register a privileged route.
 */
public record PrivilegedRouter(Router router) {}
