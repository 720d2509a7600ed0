package io.modelkeeper.server.protocol;

import io.modelkeeper.server.ModelState;
import io.modelkeeper.server.ServedModel;
import io.modelkeeper.server.onnx.ModelSignature;
import io.modelkeeper.server.onnx.TensorSpec;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Open Inference Protocol health, server metadata and model metadata endpoints. */
@ApplicationScoped
public class ProtocolRoutes {

  static final String SERVER_NAME = "modelkeeper-model-server";
  static final String PLATFORM = "onnxruntime_onnx";

  private final ServedModel model;

  public ProtocolRoutes(ServedModel model) {
    this.model = model;
  }

  void register(@Observes Router router) {
    router
        .route(HttpMethod.GET, "/v2/health/live")
        .handler(c -> Replies.json(c, 200, Map.of("live", true)));
    router.route(HttpMethod.GET, "/v2/health/ready").handler(this::serverReady);
    router.route(HttpMethod.GET, "/v2").handler(this::serverMetadata);
    router.route(HttpMethod.GET, "/v2/models/:model").handler(this::modelMetadata);
    router
        .route(HttpMethod.GET, "/v2/models/:model/versions/:version")
        .handler(this::modelMetadata);
    router.route(HttpMethod.GET, "/v2/models/:model/ready").handler(this::modelReady);
    router
        .route(HttpMethod.GET, "/v2/models/:model/versions/:version/ready")
        .handler(this::modelReady);
  }

  private void serverReady(RoutingContext context) {
    ModelState state = model.state();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", state.isReady());
    if (!state.isReady()) {
      body.put("state", state.phase().name());
      body.put("reason", state.reason());
    }
    Replies.json(context, state.isReady() ? 200 : 503, body);
  }

  private void serverMetadata(RoutingContext context) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", SERVER_NAME);
    body.put(
        "version",
        getClass().getPackage().getImplementationVersion() == null
            ? "0.1.0"
            : getClass().getPackage().getImplementationVersion());
    body.put("extensions", List.of("binary_tensor_data"));
    Replies.json(context, 200, body);
  }

  private void modelReady(RoutingContext context) {
    if (ModelAddress.notServed(context, model)) {
      return;
    }
    ModelState state = model.state();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", model.name());
    body.put("ready", state.isReady());
    if (!state.isReady()) {
      body.put("reason", state.reason());
    }
    Replies.json(context, state.isReady() ? 200 : 503, body);
  }

  private void modelMetadata(RoutingContext context) {
    if (ModelAddress.notServed(context, model)) {
      return;
    }
    ModelState state = model.state();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", model.name());
    body.put("versions", List.of(model.version()));
    body.put("platform", PLATFORM);
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("state", state.phase().name());
    if (!state.isReady()) {
      parameters.put("reason", state.reason());
      body.put("parameters", parameters);
      body.put("error", "model " + model.name() + " is not ready: " + state.reason());
      Replies.json(context, 503, body);
      return;
    }
    ModelSignature signature = model.signature();
    body.put("inputs", describe(signature.inputs()));
    body.put("outputs", describe(signature.outputs()));
    parameters.put("execution_provider", model.executionProvider());
    parameters.put("max_batch_size", model.batcher().coalesces() ? model.maxBatchSize() : 1);
    body.put("parameters", parameters);
    Replies.json(context, 200, body);
  }

  private static List<Map<String, Object>> describe(List<TensorSpec> specs) {
    List<Map<String, Object>> described = new ArrayList<>();
    for (TensorSpec spec : specs) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", spec.name());
      entry.put("datatype", spec.type().name());
      entry.put("shape", spec.shape());
      described.add(entry);
    }
    return described;
  }
}
