package io.modelkeeper.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.modelkeeper.api.v1alpha1.ModelDeployment;
import io.modelkeeper.api.v1alpha1.ModelDeploymentSpec;
import io.modelkeeper.api.v1alpha1.ModelSpec;
import java.util.function.Consumer;

/** Builds ModelDeployments for tests. */
public final class TestModels {

    public static final String NAMESPACE = "ml";

    private TestModels() {
    }

    /** A CPU model fetched over HTTPS, version {@code version}. */
    public static ModelDeployment model(String name, String version) {
        return model(name, version, spec -> { });
    }

    /** Same, with the spec changed by {@code change}. */
    public static ModelDeployment model(String name, String version, Consumer<ModelDeploymentSpec> change) {
        ModelDeployment md = new ModelDeployment();
        md.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withUid("uid-" + name)
                .withGeneration(1L).build());
        ModelDeploymentSpec spec = new ModelDeploymentSpec();
        ModelSpec model = new ModelSpec();
        model.setVersion(version);
        model.setUri("https://models.example.com/" + name + "/" + version + "/model.onnx");
        spec.setModel(model);
        change.accept(spec);
        md.setSpec(spec);
        return md;
    }

    /** The operator settings with their defaults. */
    public static OperatorConfig config() {
        return new OperatorConfig() {
            @Override
            public ModelServer modelServer() {
                return () -> "ghcr.io/modelkeeper/model-server:0.1.0";
            }

            @Override
            public String gpuResourceName() {
                return "nvidia.com/gpu";
            }

            @Override
            public java.time.Duration reconcileInterval() {
                return java.time.Duration.ofSeconds(60);
            }

            @Override
            public java.util.Optional<String> prometheusUrl() {
                return java.util.Optional.empty();
            }
        };
    }
}
