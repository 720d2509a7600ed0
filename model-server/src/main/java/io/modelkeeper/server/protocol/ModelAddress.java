package io.modelkeeper.server.protocol;

import io.modelkeeper.server.ServedModel;
import io.vertx.ext.web.RoutingContext;

/** Checks that a request's {model} and optional {version} path parts name the served model. */
final class ModelAddress {

  private ModelAddress() {}

  /** Replies 404 and returns true when the path names another model or version. */
  static boolean notServed(RoutingContext context, ServedModel model) {
    String error = mismatch(context, model);
    if (error == null) {
      return false;
    }
    Replies.error(context, 404, error);
    return true;
  }

  static String mismatch(RoutingContext context, ServedModel model) {
    String name = context.pathParam("model");
    String version = context.pathParam("version");
    if (!model.name().equals(name)) {
      return "model '" + name + "' not found; this server serves '" + model.name() + "'";
    }
    if (version != null && !model.version().equals(version)) {
      return "model '"
          + name
          + "' has no version '"
          + version
          + "'; this server serves version '"
          + model.version()
          + "'";
    }
    return null;
  }
}
